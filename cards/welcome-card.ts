/**
 * The first thing a person sees when Resolve is installed for them (or added to a chat): what it
 * does for someone in their part, and where to start. A chat or team is told that case details
 * never appear there.
 */
import { adaptiveCard, execute, heading, text, type AdaptiveCardJson } from './elements.js';
import { REVIEW_VERBS } from './review-verbs.js';
import { VERBS } from './verbs.js';
import type { WelcomeAudience, WelcomeView } from './view-models.js';

const WHAT: Readonly<Record<WelcomeAudience, readonly string[]>> = {
  officer: [
    'Raise a good-practice notification, practice alert or dispute here, or from any message in Teams (… > Raise alert from this message).',
    'I send it to the right people at each stage of your council\'s procedure, copy the right others, and chase every response that is late, in Teams and by email.',
    'When a response is overdue, escalation is one click on the reminder I send you. Type "my cases" to see everything you own with its clock.',
  ],
  manager: [
    'When a practice alert or dispute reaches you, its card arrives here: accept, propose another course or decline, with a reason, on the card itself.',
    'I remind you before a response is due and tell you when it is overdue. Agree actions on the card and mark them done when they are.',
    'Type "my cases" to see what waits for you.',
  ],
  worker: [
    'Alerts and disputes about your cases arrive here as cards, with what is asked and by when.',
    'Respond on the card, agree actions with the reviewing officer and mark them done. Type "my cases" to see what waits for you.',
  ],
  leader: [
    'When a dispute reaches your level of the procedure, its card arrives here with the case\'s history, so you can respond on it.',
    'Every decision is recorded, in order, for the case record.',
  ],
  administrator: [
    'Type "due" to see the reviews falling due, soonest first, with the statutory date and the latest day a meeting can be held. "Find times" offers the three best times everyone is free; one click books it in Outlook with a Teams meeting.',
    'Rearrange with a reason, or cancel, on the booked card. Type "add review" to add to the review register (a child coming into care, a review held, an approval).',
  ],
  colleague: [
    'Resolve carries practice alerts and disputes raised by reviewing officers to the right people, and chases their deadlines. If one reaches you, its card arrives in this chat.',
  ],
  'shared-chat': [
    'Resolve carries practice alerts and disputes between reviewing officers and managers. Case details are never posted here: each person gets their cards in their own chat with Resolve.',
    'Anyone can raise an alert from a message here (… > Raise alert from this message); the form is private to them.',
  ],
};

export function welcomeCardPreview(): string {
  return 'Welcome to Resolve';
}

export function welcomeCard(view: WelcomeView): AdaptiveCardJson {
  const personal = view.audience !== 'shared-chat';
  return adaptiveCard({
    fallbackText: welcomeCardPreview(),
    body: [
      heading('Welcome to Resolve'),
      view.organisation !== undefined && text(view.organisation, { isSubtle: true, spacing: 'None' }),
      ...WHAT[view.audience].map((line) => text(line)),
      text('Type "help" at any time to see what I can do.', { isSubtle: true, size: 'Small' }),
    ],
    actions: [
      view.audience === 'officer' && execute('Raise an alert', VERBS.raiseOpen, {}, { style: 'positive', associatedInputs: 'none' }),
      view.audience === 'administrator' && execute('Reviews due', REVIEW_VERBS.reviewsDue, {}, { style: 'positive', associatedInputs: 'none' }),
      personal && execute('My cases', VERBS.myCases, {}, { associatedInputs: 'none' }),
    ],
  });
}
