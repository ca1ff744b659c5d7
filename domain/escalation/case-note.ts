import type { SubjectType } from '../policies/schema.js';
import { SYSTEM_ACTOR, type CaseEvent, type StageEntry } from './events.js';

/**
 * Says who a person is, as the case record would: "Samira Haddad, Social Worker". The caller
 * decides how (the directory, a test's table); the note never prints the id it is given.
 */
export type DescribePerson = (personId: string) => string;

/** What the note needs to know about the case's ladder: whether it is about a child or a foster carer. */
export interface CaseNoteLadder {
  readonly subjectType: SubjectType;
  /** The authority's word for the subject, e.g. "looked after child" (AMB-47). */
  readonly labels: { readonly subject: string };
}

/** Used when no one says who people are: the note then names nobody, and still prints no id. */
const UNNAMED: DescribePerson = () => 'an unnamed person';

/** The name the system actor (deadlines, reminders) goes by in the record. */
export const SYSTEM_NAME = 'Resolve';

const ZONE = 'Europe/London';
const stampFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE,
});
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function parts(format: Intl.DateTimeFormat, instant: Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** An instant as "Friday 27 November 2026, 17:00" in Europe/London. */
export function noteStamp(iso: string): string {
  const p = parts(stampFormat, new Date(iso));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}

/** A deadline instant as "17:00 on Friday 27 November 2026" in Europe/London. */
export function noteDeadline(iso: string): string {
  const p = parts(stampFormat, new Date(iso));
  return `${p.hour}:${p.minute} on ${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** A civil date (`YYYY-MM-DD`) as "Friday 27 November 2026". */
export function noteDay(date: string): string {
  const p = parts(dayFormat, new Date(`${date}T12:00:00Z`));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** Every person a case's events name, each once, in the order they first appear (the system actor excluded). */
export function peopleIn(events: readonly CaseEvent[]): string[] {
  const seen = new Set<string>();
  const add = (...ids: readonly (string | null)[]) => {
    for (const id of ids) if (id !== null && id !== SYSTEM_ACTOR) seen.add(id);
  };
  for (const e of events) {
    add(e.actor);
    switch (e.type) {
      case 'CaseRaised':
        add(e.allocatedWorkerId, ...e.stage.to, ...e.stage.cc);
        break;
      case 'StageEscalated':
        add(...e.stage.to, ...e.stage.cc, ...e.ccNotRealerted);
        break;
      case 'ActionAgreed':
      case 'ActionOverdue':
        add(e.owner);
        break;
      case 'ResponseOverdue':
      case 'ChaserRepeated':
        add(...(e.copiedTo ?? []));
        break;
      case 'OverallLimitWarning':
      case 'OverallLimitReached':
        add(...(e.warned ?? []));
        break;
      case 'BriefingCompleted':
        add(...e.sendTo);
        break;
      default:
        break;
    }
  }
  return [...seen];
}

/** One line: officers' words keep their wording, but a line break would split the entry. */
const flat = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
const quote = (text: string) => `"${flat(text)}"`;
/** Ends a sentence once: a quotation that ends in its own full stop needs no second one. */
const end = (text: string) => (/[.!?]"?$/.test(text) ? text : `${text}.`);
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** "Samira Haddad, Social Worker" is in apposition mid-sentence, so it closes with a comma; "Resolve" does not. */
const subject = (description: string) => (description.includes(',') ? `${description},` : description);

/**
 * A case's history as a case note for the council's record (LCS, Mosaic, Eclipse; DOMAIN §6.1,
 * REC-01 to REC-05): a heading line (reference, initials, alert type, authority, who raised it
 * and when, the allocated worker), then one dated entry a line, in order, each in full sentences:
 * who (name and role) did what, at which stage, with their reasons, responses, outcome and
 * learning points quoted as they wrote them. Times are Europe/London. Where a card landed
 * (CardPosted) is delivery bookkeeping and never appears. People appear only as `describe(id)`;
 * the system actor is "Resolve". `ladder` says whether the case is about a child: without it the
 * impact is labelled neutrally, and a foster carer's note never says "Impact on the child".
 */
export function caseNoteText(events: readonly CaseEvent[], describe: DescribePerson = UNNAMED, ladder?: CaseNoteLadder): string {
  const who = (id: string) => (id === SYSTEM_ACTOR ? SYSTEM_NAME : describe(id));
  const list = (ids: readonly string[]) => {
    const names = ids.map(who);
    if (names.length <= 1) return names[0] ?? 'nobody';
    const sep = names.some((n) => n.includes(',')) ? '; ' : ', ';
    return names.length === 2 && sep === ', ' ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(sep)}${sep}and ${names[names.length - 1]}`;
  };
  const impactLabel = ladder?.subjectType === 'child' ? `Impact on the ${ladder.labels.subject}` : 'Impact';
  const labelled = (label: string, text: string | null) => (text !== null && text.trim() !== '' ? ` ${label}: ${end(quote(text))}` : '');
  const addressed = (stage: StageEntry, alreadyAware: readonly string[] = []) => {
    const to = ` It went to ${end(list(stage.to))}`;
    const cc = stage.cc.length === 0 ? ''
      : ` ${capital(subject(list(stage.cc)))} ${stage.cc.length === 1 ? 'was' : 'were'} ${stage.ccLabel === 'Alert' ? 'alerted' : 'copied in'}.`;
    const aware = alreadyAware.length === 0 ? ''
      : ` ${capital(subject(list(alreadyAware)))} ${alreadyAware.length === 1 ? 'was' : 'were'} already aware and not alerted again.`;
    const soughtBy = stage.resolutionSoughtBy ? ` Resolution was sought by ${noteDay(stage.resolutionSoughtBy)}.` : '';
    const due = stage.responseDueAt ? ` A response was requested by ${noteDeadline(stage.responseDueAt)}.` : '';
    const briefing = stage.directorBriefingRequired ? ' A Director briefing note is required at this stage.' : '';
    return `${to}${cc}${aware}${soughtBy}${due}${briefing}`;
  };
  const stageLabels = new Map<string, string>();
  const actions = new Map<string, { readonly text: string; readonly owner: string }>();
  let stage = '';
  let raisedBy = '';
  const lines: string[] = [];

  for (const e of events) {
    const actor = subject(who(e.actor));
    const copied = (ids: readonly string[] | undefined) => (ids === undefined || ids.length === 0 ? '' : ` Copied to their line manager: ${ids.map(who).join('; ')}.`);
    const at = (id: string) => stageLabels.get(id) ?? stage;
    let entryStage = stage;
    let text: string;
    switch (e.type) {
      case 'CaseRaised': {
        stage = e.stage.stageLabel;
        entryStage = stage;
        stageLabels.set(e.stage.stageId, stage);
        raisedBy = e.actor;
        const verb = e.kind === 'notification' ? 'sent' : 'raised';
        const worker = e.allocatedWorkerId ? `Allocated worker: ${who(e.allocatedWorkerId)}.` : 'No allocated worker is recorded.';
        lines.push(`Case ${e.reference} (${e.subjectInitials}): ${e.alertTypeLabel}, ${e.authority}. ${capital(verb)} by ${subject(who(e.actor))} on ${noteStamp(e.at)}. ${worker}`);
        const bypass = e.bypass
          ? ` The case entered at this stage, bypassing the stages before it, because ${end(quote(e.bypass.reason))}` +
            `${e.bypass.lineManagerDiscussed ? ' This was discussed with the line manager.' : ''}${e.bypass.emergency ? ' It was an emergency.' : ''}`
          : '';
        text = `${actor} ${verb} the ${e.alertTypeLabel}.${bypass}` +
          `${labelled('Category', e.category)}${labelled('Issue', e.issue)}${labelled(impactLabel, e.impactOnChild)}${labelled('Resolution sought', e.resolutionSought)}` +
          addressed(e.stage);
        break;
      }
      case 'StageEscalated': {
        stage = e.stage.stageLabel;
        entryStage = stage;
        stageLabels.set(e.stage.stageId, stage);
        const how = e.bypass
          ? `escalated the case from ${e.fromStageLabel} straight to ${stage}, bypassing the stages between, because ${end(quote(e.reason))}` +
            `${e.bypass.lineManagerDiscussed ? ' This was discussed with the line manager.' : ''}${e.bypass.emergency ? ' It was an emergency.' : ''}`
          : `escalated the case from ${e.fromStageLabel} to ${stage} because ${end(quote(e.reason))}`;
        text = `${actor} ${how}${addressed(e.stage, e.ccNotRealerted)}`;
        break;
      }
      case 'ResponseRecorded':
        entryStage = at(e.stageId);
        text = e.response === 'accept' ? `${actor} accepted${e.text ? `, noting ${end(quote(e.text))}` : '.'}`
          : e.response === 'decline' ? `${actor} declined${e.text ? ` because ${end(quote(e.text))}` : ', giving no reason.'}`
          : `${actor} proposed an alternative${e.text ? `: ${end(quote(e.text))}` : ', without saying what.'}`;
        break;
      case 'ProposalAnswered':
        entryStage = at(e.stageId);
        text = e.accepted
          ? `${actor} accepted the alternative proposed, ${end(quote(e.proposal))} It is the agreed course.`
          : `${actor} rejected the alternative proposed${e.reason ? ` because ${end(quote(e.reason))}` : '.'} The stage is open for a response again.`;
        break;
      case 'ActionAgreed':
        entryStage = at(e.stageId);
        actions.set(e.actionId, { text: e.text, owner: e.owner });
        text = `${actor} agreed an action for ${who(e.owner)}, due by ${noteDay(e.dueDate)}: ${end(quote(e.text))}`;
        break;
      case 'ActionCompleted': {
        const action = actions.get(e.actionId);
        const whose = action === undefined ? 'an agreed action' : action.owner === e.actor ? 'their action' : `the action for ${subject(who(action.owner))}`;
        text = `${actor} marked ${whose} as complete${action ? `: ${end(quote(action.text))}` : '.'}${labelled('Note', e.note)}`;
        break;
      }
      case 'ResolutionDateSet':
        entryStage = at(e.stageId);
        text = `${actor} set the date resolution is sought by to ${noteDay(e.resolutionSoughtBy)}${e.reason ? ` because ${end(quote(e.reason))}` : '.'}` +
          ` A response was then requested by ${noteDeadline(e.responseDueAt)}.`;
        break;
      case 'ChaseRecorded':
        entryStage = at(e.stageId);
        text = `${actor} chased a response${e.note ? `, noting ${end(quote(e.note))}` : '.'}`;
        break;
      case 'CaseResolved':
        entryStage = at(e.stageId);
        text = `${actor} recorded the case as resolved.` +
          `${e.outcome ? ` Outcome: ${end(quote(e.outcome))}` : ' No outcome was recorded.'}` +
          `${e.keyLearningPoints ? ` Key learning points: ${end(quote(e.keyLearningPoints))}` : ' No key learning points were recorded.'}`;
        break;
      case 'CafcassReferred':
        entryStage = at(e.stageId);
        text = `${actor} referred the case to Cafcass because ${end(quote(e.reason))}`;
        break;
      case 'CaseWithdrawn':
        entryStage = at(e.stageId);
        text = `${actor} withdrew the case because ${end(quote(e.reason))}`;
        break;
      case 'ReminderDue':
        entryStage = at(e.stageId);
        text = `${actor} sent a reminder that a response is due by ${noteDeadline(e.responseDueAt)}.`;
        break;
      case 'ResponseOverdue':
        entryStage = at(e.stageId);
        text = `No response by ${noteDeadline(e.dueAt)}: the response is overdue.${copied(e.copiedTo)}`;
        break;
      case 'ChaserRepeated':
        entryStage = at(e.stageId);
        text = `${actor} chased the overdue response again (${ordinal(e.repeat + 1)} chaser).${copied(e.copiedTo)}`;
        break;
      case 'OverallLimitWarning':
        entryStage = at(e.stageId);
        text = `${actor} warned that ${e.percent}% of the overall time limit had passed; it ends at ${noteDeadline(e.limitAt)}.${e.warned.length > 0 ? ` Also warned: ${e.warned.map(who).join('; ')}.` : ''}`;
        break;
      case 'OverallLimitReached':
        entryStage = at(e.stageId);
        text = `The overall time limit ended at ${noteDeadline(e.dueAt)} without the case being resolved.${(e.warned ?? []).length > 0 ? ` Also warned: ${(e.warned ?? []).map(who).join('; ')}.` : ''}`;
        break;
      case 'CafcassPromptDue':
        entryStage = at(e.stageId);
        text = `${actor} prompted ${raisedBy ? who(raisedBy) : 'the reviewing officer'} to consider a referral to Cafcass.`;
        break;
      case 'ActionOverdue': {
        const action = actions.get(e.actionId);
        text = `The action agreed for ${subject(who(e.owner))} was not complete by ${noteDeadline(e.dueAt)}${action ? `: ${end(quote(action.text))}` : '.'}`;
        break;
      }
      case 'CardPosted':
        // Where a card landed is a delivery detail, not part of the case record.
        continue;
      case 'BriefingDraftSaved':
        // Work in progress on the briefing note: the record has the note once it is complete.
        continue;
      case 'BriefingCompleted':
        // AMB-20, §3.2, §6.3: that the note was written and to whom it went; its contents (the child's details) are in the note itself, never copied here.
        entryStage = at(e.stageId);
        text = `${actor} completed the Director briefing note for ${e.forStageLabel} (Case Briefing for Deputy Director/DCS).` +
          ` ${e.forStageId === e.stageId ? 'It was sent to' : `It goes with the case to ${e.forStageLabel}, to`} ${end(list(e.sendTo))}` +
          ' Its contents are in the note itself, filed as a document.';
        break;
    }
    lines.push(`${noteStamp(e.at)} [${entryStage}] ${capital(text)}`);
  }
  return lines.join('\n');
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
