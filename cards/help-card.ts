/** What Resolve can do, and buttons for the two commonest starts. */
import { adaptiveCard, execute, factSet, heading, text, type AdaptiveCardJson } from './elements.js';
import { VERBS } from './verbs.js';
import type { HelpView } from './view-models.js';

export function helpCardPreview(): string {
  return 'Resolve: what I can do';
}

export function helpCard(view: HelpView): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: helpCardPreview(),
    body: [
      heading('Resolve'),
      text('I carry practice alerts and disputes to the right people, chase their deadlines and keep everyone\'s card up to date.'),
      factSet([
        ['raise', view.canRaise ? 'Raise a good-practice notification, practice alert or dispute' : undefined],
        ['my cases', 'The cases you raised, or that wait for you, with their deadlines'],
        ['overdue', 'What is late across your cases'],
        // Not "case <reference>": Teams reads <reference> as markup and shows only "case".
        ['case REFERENCE', 'One case, e.g. case LCS-204518: where it is, with whom, and what happened'],
        ['due', 'Reviews falling due, soonest first, and booking them in Outlook (administrators and reviewing officers)'],
        ['add review', 'Add an event to the review register: became looked after, a review held, an approval...'],
        ['report', 'The indicators for alerts and reviews, with charts and a CSV: this year, last quarter, this month or any dates (senior leaders and quality assurance)'],
        ['help', 'This card'],
      ]),
      view.canRaise && text('From any message in Teams, choose … > Raise alert from this message to start a form with its text.', { isSubtle: true, size: 'Small' }),
    ],
    actions: [
      view.canRaise && execute('Raise an alert', VERBS.raiseOpen, {}, { style: 'positive', associatedInputs: 'none' }),
      execute('My cases', VERBS.myCases, {}, { associatedInputs: 'none' }),
    ],
  });
}
