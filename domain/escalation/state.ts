import { InvalidInputError } from '../errors.js';
import type { BriefingCompleted, BypassRecord, CardLocation, CaseEvent, CaseFacts, CaseRaised, ResponseKind, StageEntry } from './events.js';

export type CaseStatus = 'open' | 'resolved' | 'withdrawn' | 'referred';

export interface StageResponse {
  readonly response: ResponseKind;
  readonly text: string | null;
  readonly by: string;
  readonly at: string;
  /** A proposed alternative the officer accepted: the agreed course. */
  readonly agreedBy?: { readonly by: string; readonly at: string };
}

/** A proposal the officer rejected, kept with the stage after its response was cleared. */
export interface RejectedProposal {
  readonly proposal: string;
  readonly by: string;
  readonly rejectedBy: string;
  readonly reason: string | null;
  readonly at: string;
}

/** One visit to a stage: what it was, when it started, and what happened there. */
export interface StageVisit extends StageEntry {
  readonly enteredAt: string;
  readonly enteredBy: string;
  readonly bypass: BypassRecord | null;
  readonly response: StageResponse | null;
  /** Proposals the officer rejected at this stage, oldest first. */
  readonly rejectedProposals?: readonly RejectedProposal[];
  readonly chases: number;
  /** §8.4: how many times Resolve has repeated the overdue chaser at this stage (since its due date last changed). */
  readonly autoChases: number;
  /** §8.4: the rhythm slot of the last repeat (due day + N working days x slot); slots that passed unsent are skipped. */
  readonly chaseSlot: number;
  /** §8.4: when the stage's addressees were last chased (overdue or a repeat): the next repeat comes after it. */
  readonly lastChasedAt: string | null;
  /** §8.4: each To addressee's line manager (empty in older streams). */
  readonly managers: Readonly<Record<string, string>>;
  /** §8.4: who is warned with the officer about the overall limit (empty in older streams). */
  readonly limitWatchers: readonly string[];
  /** When the case moved on from this stage, or null for the current one. */
  readonly leftAt: string | null;
}

export interface AgreedAction {
  readonly actionId: string;
  readonly stageId: string;
  readonly owner: string;
  readonly text: string;
  readonly dueDate: string;
  readonly dueAt: string;
  readonly agreedBy: string;
  readonly agreedAt: string;
  readonly completedAt: string | null;
  readonly completedBy: string | null;
  readonly note: string | null;
}

/** AMB-20, §3.2: the Director briefing note for a stage: a draft, or complete; sent once the case is at that stage. */
export interface BriefingRecord {
  readonly forStageId: string;
  readonly forStageLabel: string;
  readonly status: 'draft' | 'complete';
  /** The answers by field id: the child's details. Shown only to people with a part in the case. */
  readonly answers: Readonly<Record<string, string>>;
  readonly savedBy: string;
  readonly savedAt: string;
  readonly completedAt: string | null;
  /** The fields as the completed note recorded them, in order; null for a draft. */
  readonly fields: BriefingCompleted['fields'] | null;
  /** Who it goes to (the Director, the Deputy Director); empty for a draft. */
  readonly sendTo: readonly string[];
  /** When it went to them: the case entered its stage with it complete, or it was completed there. */
  readonly sentAt: string | null;
}

export interface CaseState extends CaseFacts {
  readonly caseId: string;
  readonly raisedBy: string;
  readonly raisedAt: string;
  readonly status: CaseStatus;
  readonly closedAt: string | null;
  /** The stage the case is at now (for a notification, a pseudo-stage "notification"). */
  readonly stage: StageVisit;
  /** Earlier stages, oldest first. */
  readonly previousStages: readonly StageVisit[];
  /** Everyone ever sent or copied this case (AMB-23 "if not already aware"). */
  readonly notified: readonly string[];
  readonly actions: readonly AgreedAction[];
  readonly overallLimitAt: string | null;
  readonly cafcassPromptAt: string | null;
  /** Deadlines already fired, as `key@dueAt`, so each fires once even when replayed. */
  readonly firedDeadlines: readonly string[];
  readonly outcome: string | null;
  readonly keyLearningPoints: string | null;
  /** The reason given for withdrawing or referring. */
  readonly closingReason: string | null;
  readonly referredAt: string | null;
  /** Where each person's case card landed (CardPosted), by Entra object id. */
  readonly cards: Readonly<Record<string, CardLocation>>;
  /** AMB-20: the Director briefing notes, by the stage each is for. */
  readonly briefings: Readonly<Record<string, BriefingRecord>>;
  /** The number of events folded: the position of the last one. */
  readonly version: number;
  /**
   * The number of changes a person can see on a card. Cards carry it, and a command from a card
   * drawn at an older revision is refused. Deadline events that change nothing on a card (a
   * reminder, the overall limit, a Cafcass prompt) leave it alone, so they never make a card stale.
   */
  readonly revision: number;
  readonly updatedAt: string;
}

export const NOTIFICATION_STAGE_ID = 'notification';

/** Events that change what a case card shows: each one updates every copy in place. */
export const CARD_VISIBLE_EVENTS: ReadonlySet<CaseEvent['type']> = new Set([
  'CaseRaised',
  'StageEscalated',
  'ResponseRecorded',
  'ProposalAnswered',
  'ActionAgreed',
  'ActionCompleted',
  'ResolutionDateSet',
  'ChaseRecorded',
  'CaseResolved',
  'CafcassReferred',
  'CaseWithdrawn',
  'ResponseOverdue',
]);

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/*
 * The state's objects are built with the keys a fold adds first and the copied object spread
 * after them. V8 (Node 20) makes `{ ...copied, newKey }` slowly, about 1.5 µs a key added after
 * the spread, where `{ newKey, ...copied }` or overriding a key already there costs nanoseconds:
 * folding a raised case took 70 µs the other way. The copied objects never hold the keys put
 * before them (the types say so), so the order changes nothing but the speed.
 */
function visit(entry: StageEntry, at: string, by: string, bypass: BypassRecord | null): StageVisit {
  return {
    enteredAt: at, enteredBy: by, bypass, response: null, chases: 0, autoChases: 0, chaseSlot: 0, lastChasedAt: null, leftAt: null,
    ...entry,
    // Streams written before action confirmers, managers and limit watchers were recorded have none.
    actionConfirmers: entry.actionConfirmers ?? [], managers: entry.managers ?? {}, limitWatchers: entry.limitWatchers ?? [],
  };
}

function raised(event: CaseRaised): CaseState {
  const notification = event.kind === 'notification';
  const { type: _type, caseId, at: _at, actor: _actor, stage: _stage, bypass: _bypass, overallLimitAt: _limit, cafcassPromptAt: _prompt, ...facts } = event;
  return {
    caseId,
    raisedBy: event.actor,
    raisedAt: event.at,
    // A notification asks nothing of anyone: it is complete once sent.
    status: notification ? 'resolved' : 'open',
    closedAt: notification ? event.at : null,
    stage: visit(event.stage, event.at, event.actor, event.bypass),
    previousStages: [],
    notified: union(event.stage.to, event.stage.cc),
    actions: [],
    overallLimitAt: event.overallLimitAt,
    cafcassPromptAt: event.cafcassPromptAt,
    firedDeadlines: [],
    outcome: null,
    keyLearningPoints: null,
    closingReason: null,
    referredAt: null,
    cards: {},
    briefings: {},
    version: 1,
    revision: 1,
    updatedAt: event.at,
    // The raise's facts after the keys above (see visit).
    ...facts,
    // Streams written before the allocated worker was recorded in the raise have none.
    allocatedWorkerId: event.allocatedWorkerId ?? null,
  };
}

function mapAction(state: CaseState, actionId: string, f: (a: AgreedAction) => AgreedAction): readonly AgreedAction[] {
  return state.actions.map((a) => (a.actionId === actionId ? f(a) : a));
}

/**
 * Fold one event into the state. Pure and total over streams `decide` produced; an event that
 * cannot follow the state (a stream edited by hand) is an error naming the case and the event.
 */
export function evolve(state: CaseState | undefined, event: CaseEvent): CaseState {
  if (event.type === 'CaseRaised') {
    if (state) throw new InvalidInputError(`case ${event.caseId} was raised twice (event ${state.version + 1})`, 'events');
    return raised(event);
  }
  if (!state) {
    throw new InvalidInputError(`case ${event.caseId}: ${event.type} arrived before the case was raised`, 'events');
  }
  const next = {
    ...state,
    version: state.version + 1,
    revision: state.revision + (CARD_VISIBLE_EVENTS.has(event.type) ? 1 : 0),
    // Where a card landed is delivery bookkeeping: the case itself did not change.
    updatedAt: event.type === 'CardPosted' ? state.updatedAt : event.at,
  };
  switch (event.type) {
    case 'StageEscalated': {
      // AMB-20: the stage's briefing note, complete, goes to its recipients as the case enters it; they are on the case from then.
      const note = state.briefings[event.stage.stageId];
      const sent = note?.status === 'complete' && note.sentAt === null ? { ...note, sentAt: event.at } : undefined;
      return {
        ...next,
        previousStages: [...state.previousStages, { ...state.stage, leftAt: event.at }],
        stage: visit(event.stage, event.at, event.actor, event.bypass),
        notified: union(state.notified, union(union(event.stage.to, event.stage.cc), sent?.sendTo ?? [])),
        overallLimitAt: event.overallLimitAt,
        cafcassPromptAt: event.cafcassPromptAt,
        ...(sent !== undefined && { briefings: { ...state.briefings, [sent.forStageId]: sent } }),
      };
    }
    case 'BriefingDraftSaved':
      return {
        ...next,
        briefings: {
          ...state.briefings,
          [event.forStageId]: {
            forStageId: event.forStageId, forStageLabel: event.forStageLabel, status: 'draft', answers: event.answers, savedBy: event.actor, savedAt: event.at,
            completedAt: null, fields: null, sendTo: [], sentAt: null,
          },
        },
      };
    case 'BriefingCompleted': {
      // Completed at the stage the case is already at (it was raised there): it goes to its recipients now.
      const sentAt = event.forStageId === state.stage.stageId ? event.at : null;
      return {
        ...next,
        notified: sentAt === null ? state.notified : union(state.notified, event.sendTo),
        briefings: {
          ...state.briefings,
          [event.forStageId]: {
            forStageId: event.forStageId, forStageLabel: event.forStageLabel, status: 'complete', answers: event.answers, savedBy: event.actor, savedAt: event.at,
            completedAt: event.at, fields: event.fields, sendTo: event.sendTo, sentAt,
          },
        },
      };
    }
    case 'ResponseRecorded':
      return { ...next, stage: { ...state.stage, response: { response: event.response, text: event.text, by: event.actor, at: event.at } } };
    case 'ProposalAnswered': {
      const response = state.stage.response;
      if (response === null) return next;
      if (event.accepted) return { ...next, stage: { ...state.stage, response: { ...response, agreedBy: { by: event.actor, at: event.at } } } };
      const rejected: RejectedProposal = { proposal: event.proposal, by: response.by, rejectedBy: event.actor, reason: event.reason, at: event.at };
      return { ...next, stage: { ...state.stage, response: null, rejectedProposals: [...(state.stage.rejectedProposals ?? []), rejected] } };
    }
    case 'ActionAgreed':
      return {
        ...next,
        actions: [
          ...state.actions,
          {
            actionId: event.actionId,
            stageId: event.stageId,
            owner: event.owner,
            text: event.text,
            dueDate: event.dueDate,
            dueAt: event.dueAt,
            agreedBy: event.actor,
            agreedAt: event.at,
            completedAt: null,
            completedBy: null,
            note: null,
          },
        ],
        notified: union(state.notified, [event.owner]),
      };
    case 'ActionCompleted':
      return { ...next, actions: mapAction(state, event.actionId, (a) => ({ ...a, completedAt: event.at, completedBy: event.actor, note: event.note })) };
    case 'ResolutionDateSet':
      // §8.4: a new due date is chased afresh: its repeats count again from 1, every N working days after the new due day.
      return { ...next, stage: { ...state.stage, resolutionSoughtBy: event.resolutionSoughtBy, responseDueAt: event.responseDueAt, autoChases: 0, chaseSlot: 0 } };
    case 'ChaseRecorded':
      return { ...next, stage: { ...state.stage, chases: state.stage.chases + 1 } };
    case 'CaseResolved':
      return { ...next, status: 'resolved', closedAt: event.at, outcome: event.outcome, keyLearningPoints: event.keyLearningPoints };
    case 'CafcassReferred':
      return { ...next, status: 'referred', referredAt: event.at, closingReason: event.reason };
    case 'CaseWithdrawn':
      return { ...next, status: 'withdrawn', closedAt: event.at, closingReason: event.reason };
    case 'CardPosted':
      return { ...next, cards: { ...state.cards, [event.recipient]: event.location } };
    case 'ChaserRepeated':
      return {
        ...next,
        stage: { ...state.stage, autoChases: event.repeat, chaseSlot: event.slot ?? event.repeat, lastChasedAt: event.at },
        firedDeadlines: [...state.firedDeadlines, `${event.key}@${event.dueAt}`],
      };
    case 'ResponseOverdue':
      return {
        ...next,
        ...(event.stageId === state.stage.stageId && { stage: { ...state.stage, lastChasedAt: event.at } }),
        firedDeadlines: [...state.firedDeadlines, `${event.key}@${event.dueAt}`],
      };
    case 'ReminderDue':
    case 'OverallLimitWarning':
    case 'OverallLimitReached':
    case 'CafcassPromptDue':
    case 'ActionOverdue':
      return { ...next, firedDeadlines: [...state.firedDeadlines, `${event.key}@${event.dueAt}`] };
  }
}

/**
 * AMB-30: everyone recorded, at any stage the case entered, as holding the ladder's
 * `closure.actionsConfirmedBy` roles; on such a ladder only they confirm agreed actions complete.
 */
export function actionConfirmersOf(state: CaseState): readonly string[] {
  return [...new Set([...state.previousStages, state.stage].flatMap((v) => v.actionConfirmers))];
}

/** Has this person a part in the case (raised it, was sent or copied it, owns an action, confirms actions)? Only they may see or act on it. */
export function hasPart(state: CaseState, personId: string): boolean {
  return state.raisedBy === personId || state.notified.includes(personId) || state.actions.some((a) => a.owner === personId)
    || actionConfirmersOf(state).includes(personId);
}

/** Open, nobody has responded at this stage, and the response was due by `now` (§8.4). */
export function isResponseOverdue(state: CaseState, now: Date): boolean {
  const due = state.stage.responseDueAt;
  return state.status === 'open' && state.stage.response === null && due !== null && now.getTime() >= Date.parse(due);
}

/** The state after a whole stream, or undefined for an empty one. */
export function fold(events: readonly CaseEvent[]): CaseState | undefined {
  return events.reduce<CaseState | undefined>(evolve, undefined);
}
