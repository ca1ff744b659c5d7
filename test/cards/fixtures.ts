/**
 * Realistic, fictional view models for every card the module can draw, including error states,
 * empty lists and the extremes (longest texts, more than 60 viewers). Every person is invented.
 */
import type {
  ActionCardView, BriefingCardView, CaseDetailView, CaseEventView, CaseHeaderView, CaseView, ChaserCardView, NoticeCardView, ReviewBookedView, ReviewBookingFailedView, ReviewRecordFormView, ReviewSlotsView, ReviewsDueView,
  MyCasesView, OutcomeView, PersonView, RaiseFormView, RaisePolicyOption, ReadOnlyCardView, StatusCardView, WelcomeView,
} from '../../cards/index.js';
import type { ReviewTaskCardView } from '../../cards/review-task-card.js';
import {
  BRIEFING_ANSWER_INPUTS, BRIEFING_INPUT_MAX_LENGTH, type BriefingFormField, type BriefingFormView, type BriefingNoteView, type BriefingNoticeView,
} from '../../cards/index.js';
import { BRIEFING_TEMPLATE, BRIEFING_TEMPLATE_TITLE } from '../../domain/policies/index.js';
import type { ReportCardView, ReportView } from '../../cards/index.js';

export const people = {
  officer: { id: '0b6f3c52-1d1e-4f7e-9a59-5c1f0e9d0a01', name: 'Priya Okonjo' },
  teamManager: { id: '7c2a9d14-3b8e-4e0f-8d6a-2f4b1c9e0a02', name: 'Sam Adeyemi' },
  socialWorker: { id: 'a41e6b77-9c3d-4a2b-b1f0-6d8e2c4f0a03', name: 'Grace Mbeki' },
  practiceSupervisor: { id: 'e93d0c28-5f6a-4b1c-9e7d-3a2b8f1c0a04', name: 'Tomasz Nowak' },
  opsManager: { id: '5f8b2e91-7a4c-4d3e-a6b9-1c0d7e2f0a05', name: 'Helen Farrow' },
} satisfies Record<string, PersonView>;

/** The fictional child: these must never reach a preview, a fallback text or a button title. */
export const child = { name: 'Jayden Thornbury', initials: 'J.T.' };

/** Words an officer typed, mentioning the child as officers do; never in a preview. */
export const freeText = {
  issue: `The care plan for ${child.name} has not been updated since the placement move in January. [Click here](https://example.invalid) **urgent**`,
  impact: 'Contact with his sister has stopped and school transport is not arranged.',
  resolutionSought: 'An updated care plan and a contact arrangement agreed with the carers.',
  proposal: 'We can update the plan by the end of next week rather than this Friday.',
  declineReason: 'The plan was updated on the case system; the officer has an older copy.',
  action: 'Update the care plan and share it with the IRO',
  refusal: 'Only the raising officer may resolve this alert.',
  category: 'Contact arrangements drifting',
};

export const header: CaseHeaderView = {
  caseId: 'case_01HV8Z6K3M2Q',
  stageId: 'stage1',
  version: 4,
  reference: 'LCS-204518',
  authorityLabel: 'Oxfordshire County Council',
  alertKind: 'alert',
  alertTypeLabel: 'Resolution and Escalation Alert',
  stageLabel: 'Stage 1',
};

export const caseView: CaseView = {
  header,
  facts: {
    category: freeText.category,
    severityFlagLabels: ['Serious safeguarding issue'],
    issue: freeText.issue,
    impact: freeText.impact,
    resolutionSought: freeText.resolutionSought,
    resolutionSoughtBy: '2026-03-13',
  },
  status: 'awaiting_response',
  responseDue: new Date('2026-03-10T17:00:00Z'),
  agreedActions: [
    { actionId: 'act_1', description: freeText.action, owner: people.socialWorker, due: '2026-03-12' },
    { actionId: 'act_2', description: 'Book a contact review meeting', owner: people.teamManager, due: '2026-03-09', doneAt: new Date('2026-03-05T09:15:00Z') },
  ],
  caseRecordUrl: 'https://lcs.example.invalid/cases/LCS-204518/forms/qa(1)',
};

/** Teams user MRIs of the people a copy refreshes for. */
export const mriOf = (person: { readonly id: string }) => `29:1${person.id.replace(/-/g, '').slice(0, 20)}`;
const viewerIds = [mriOf(people.teamManager), mriOf(people.socialWorker)];

export const actionCardView: ActionCardView = {
  ...caseView,
  viewerIds,
  viewerId: people.socialWorker.id,
  allowed: ['respondAccept', 'respondPropose', 'respondDecline', 'agreeAction', 'completeAction'],
  actionOwners: [people.socialWorker, people.teamManager],
};

export const respondedActionCardView: ActionCardView = {
  ...actionCardView,
  status: 'responded',
  response: { kind: 'declined', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z'), text: freeText.declineReason },
  allowed: ['completeAction'],
};

export const readOnlyView: ReadOnlyCardView = {
  ...caseView,
  viewerIds: [mriOf(people.practiceSupervisor)],
  response: { kind: 'accepted', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z') },
};

const history: CaseEventView[] = [
  { kind: 'raised', by: people.officer, at: new Date('2026-03-03T09:05:00Z'), stageLabel: 'Stage 1' },
  { kind: 'proposed', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z') },
  { kind: 'action_agreed', by: people.teamManager, at: new Date('2026-03-04T11:00:00Z') },
];

const nextStage = {
  stageId: 'stage2', label: 'Stage 2', to: [people.opsManager], cc: [people.teamManager],
};

export const statusView: StatusCardView = {
  ...caseView,
  viewerIds: [mriOf(people.officer)],
  withTo: [people.socialWorker],
  cc: [people.teamManager],
  history,
  nextStage,
  bypassTargets: [
    { stageId: 'stage3', label: 'Stage 3', needsLineManagerDiscussion: true },
    { stageId: 'stage4', label: 'Stage 4', needsLineManagerDiscussion: true },
  ],
  allowed: ['escalate', 'bypass', 'resolve', 'referCafcass', 'withdraw'],
};

/** §8.3: the addressee proposed an alternative; the officer accepts it or rejects it with a reason. */
export const statusViewWithProposal: StatusCardView = {
  ...statusView,
  status: 'responded',
  response: { kind: 'proposed', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z'), text: freeText.proposal },
  allowed: ['answerProposal', 'escalate', 'resolve', 'withdraw'],
};

/** ESC-C3, §2.5: before the ladder's earliest day the officer may still refer under the statutory right. */
export const statusViewCafcassEarly: StatusCardView = { ...statusView, allowed: ['escalate', 'resolve', 'referCafcassEarly', 'withdraw'] };

/** Somerset-like: no bypass condition, no Cafcass, no next stage, a long history. */
export const statusViewAtTop: StatusCardView = {
  ...statusView,
  header: { ...header, stageId: 'L4', stageLabel: 'Dispute Level 4', alertKind: 'dispute', alertTypeLabel: 'Dispute' },
  nextStage: undefined,
  bypassTargets: [],
  allowed: ['resolve', 'withdraw'],
  history: Array.from({ length: 14 }, (_, i) => ({
    kind: 'chased' as const, by: people.officer, at: new Date(Date.UTC(2026, 2, 3 + i, 9, 0)),
  })),
};

export const detailView: CaseDetailView = { ...caseView, withTo: [people.socialWorker], cc: [], history };

export const outcomeViews: Record<string, OutcomeView> = {
  done: {
    header: { ...header, version: 5 }, status: 'responded',
    result: { kind: 'done', event: { kind: 'accepted', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z') } },
  },
  already: {
    header: { ...header, version: 5 }, status: 'responded', responseDue: new Date('2026-03-10T17:00:00Z'),
    result: { kind: 'already', event: { kind: 'accepted', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z') } },
  },
  escalatedMeanwhile: {
    header: { ...header, stageId: 'stage2', stageLabel: 'Stage 2', version: 7 }, status: 'awaiting_response',
    result: { kind: 'already', event: { kind: 'escalated', by: people.officer, at: new Date('2026-03-11T08:30:00Z'), stageLabel: 'Stage 2' } },
  },
  refused: {
    header, status: 'awaiting_response',
    result: { kind: 'refused', reason: freeText.refusal },
  },
};

export const myCasesViews: Record<string, MyCasesView> = {
  empty: { items: [] },
  some: {
    items: [
      { caseId: 'case_01HV8Z6K3M2Q', stageId: 'stage1', version: 4, reference: 'LCS-204518', alertTypeLabel: 'Resolution and Escalation Alert', stageLabel: 'Stage 1', due: new Date('2026-03-10T17:00:00Z'), overdue: true },
      { caseId: 'case_01HV9A0B1C2D', stageId: 'informal', version: 1, reference: 'LCS-310077', alertTypeLabel: 'Practice alert', stageLabel: 'Informal Resolution (Stage 1)', overdue: false },
    ],
  },
};

export const chaserViews: Record<string, ChaserCardView> = {
  recipientReminder: {
    header, kind: 'reminder', audience: 'recipient', responseDue: new Date('2026-03-10T17:00:00Z'),
    withTo: [people.socialWorker],
  },
  officerOverdue: {
    header, kind: 'overdue', audience: 'officer', responseDue: new Date('2026-03-10T17:00:00Z'),
    withTo: [people.socialWorker], nextStage,
  },
  officerOverdueNextWithoutTimescale: {
    header, kind: 'overdue', audience: 'officer', responseDue: new Date('2026-03-10T17:00:00Z'),
    withTo: [people.socialWorker], nextStage: { ...nextStage, soughtByRequired: { suggested: '2026-03-18' } },
  },
};

export const noticeViews: Record<string, NoticeCardView> = {
  'managerCopy (empty)': {
    header, raisedBy: 'Aisha Rahman, IRO', withTo: [people.socialWorker], nextStageLabel: 'Stage 2', canOpen: false,
    kind: 'overdue-copy', responseDue: new Date('2026-03-10T17:00:00Z'), repeat: 0,
  },
  managerCopyRepeated: {
    header, raisedBy: 'Aisha Rahman, IRO', withTo: [people.socialWorker], canOpen: true,
    kind: 'overdue-copy', responseDue: new Date('2026-03-10T17:00:00Z'), repeat: 2,
  },
  limitWarning: {
    header, raisedBy: 'Aisha Rahman, IRO', withTo: [people.socialWorker], nextStageLabel: 'Stage 2', canOpen: true,
    kind: 'limit-warning', limitAt: new Date('2026-03-31T16:00:00Z'), percent: 75,
  },
  'limitReached (empty)': {
    header, raisedBy: 'Aisha Rahman, IRO', withTo: [people.socialWorker], canOpen: false,
    kind: 'limit-reached', limitAt: new Date('2026-03-31T16:00:00Z'),
  },
};

export const welcomeViews: Record<string, WelcomeView> = Object.fromEntries(
  (['officer', 'manager', 'worker', 'leader', 'administrator', 'colleague', 'shared-chat'] as const).map((audience) => [
    // A group chat's welcome has no buttons: nothing there is about a person's own cases.
    audience === 'shared-chat' ? 'shared-chat (empty)' : audience, { audience, organisation: 'Northmoor Borough Council' },
  ]),
);

export const briefingViews: Record<string, BriefingCardView> = {
  withLink: { header: { ...header, stageId: 'L4', stageLabel: 'Dispute Level 4' }, briefingUrl: 'https://sharepoint.example.invalid/sites/qa/briefing-204518.docx' },
  pending: { header: { ...header, stageId: 'L4', stageLabel: 'Dispute Level 4' } },
};

export const dudleyPolicy: RaisePolicyOption = {
  policyId: 'dudley-firo',
  label: 'Dudley foster home reviews',
  subjectType: 'foster_carer',
  asksCarePlanOnly: true,
  alertTypes: [
    { alertTypeId: 'good_practice', label: 'Good or Excellent Practice Notification' },
    { alertTypeId: 'qop', label: 'Quality of Practice Alert' },
    { alertTypeId: 'drp', label: 'Formal Dispute Resolution (DRP)' },
  ],
  stages: [
    { stageId: 'stage1', label: 'Stage 1' }, { stageId: 'stage2', label: 'Stage 2' },
    { stageId: 'stage3', label: 'Stage 3' }, { stageId: 'stage4', label: 'Stage 4' },
  ],
  categories: ['Key documents not provided', 'Previous recommendations not implemented', 'Supervision visits below minimum frequency'],
  bypassNeedsLineManagerDiscussion: true,
  severityFlags: [],
};

export const somersetPolicy: RaisePolicyOption = {
  policyId: 'somerset-fro',
  label: 'Somerset fostering reviews',
  alertTypes: [{ alertTypeId: 'qa_issue', label: 'Quality assurance issue' }, { alertTypeId: 'dispute', label: 'Dispute' }],
  stages: [{ stageId: 'informal', label: 'Informal Resolution (Stage 1)' }, { stageId: 'formal', label: 'Formal Issue Resolution (Stage 2)' }],
  categories: [],
  bypassNeedsLineManagerDiscussion: false,
  severityFlags: [
    { flagId: 'serious_safeguarding', label: 'Serious safeguarding issue' },
    { flagId: 'human_rights_breach', label: 'Potential breach of human rights' },
  ],
};

/** The case workers the raise form offers as the allocated worker. */
export const caseWorkers: readonly PersonView[] = [
  people.socialWorker,
  { id: 'c5d7e1a2-8b3f-4c6d-9e0a-1b2c3d4e0a06', name: 'Olu Bankole' },
];

/** A directory with no case-holding teams: nobody to choose as the allocated worker. */
export const raiseViewWithoutWorkers: RaiseFormView = { formId: 'form_5QK5', policies: [dudleyPolicy], workers: [] };

export const raiseViews: Record<string, RaiseFormView> = {
  blank: { formId: 'form_5QK2', policies: [dudleyPolicy], workers: caseWorkers },
  prefilledFromMessage: { formId: 'form_5QK3', policies: [dudleyPolicy, somersetPolicy], workers: caseWorkers, values: { issue: freeText.issue } },
  withErrors: {
    formId: 'form_5QK4',
    policies: [somersetPolicy],
    workers: caseWorkers,
    values: {
      caseReference: 'Jayden', subjectInitials: child.initials, allocatedWorkerId: people.socialWorker.id, policyId: 'somerset-fro', alertTypeId: 'dispute',
      entryStageId: 'formal', issue: freeText.issue, impact: '', resolutionSought: freeText.resolutionSought,
      resolutionSoughtBy: '2026-02-30', severityFlags: ['serious_safeguarding', 'human_rights_breach'],
    },
    errors: {
      caseReference: 'Case reference must be the case-system id, e.g. LCS-204518; never a name',
      impact: 'Impact on the child is required: say how the issue affects the child or carer',
      resolutionSoughtBy: 'Resolution sought by "2026-02-30" is not a date: February 2026 has 28 days',
    },
    formError: 'Starting at Formal Issue Resolution (Stage 2) needs a reason.',
  },
};

const longText = 'x'.repeat(2000);

/** The biggest card the limits allow: every free text at its maximum, many actions, many viewers. */
export const largestActionCardView: ActionCardView = {
  ...actionCardView,
  facts: { ...caseView.facts, category: 'c'.repeat(200), issue: longText, impact: longText, resolutionSought: longText },
  response: { kind: 'proposed', by: people.teamManager, at: new Date('2026-03-03T10:42:00Z'), text: longText },
  agreedActions: Array.from({ length: 5 }, (_, i) => ({
    actionId: `act_${i}`, description: longText, owner: people.socialWorker, due: '2026-03-12',
  })),
  viewerIds: Array.from({ length: 60 }, (_, i) => `29:1-mri-${String(i).padStart(4, '0')}`),
};

/** Past the 26 KB budget unless shortened: every text at its maximum, ten agreed actions, the viewer's last. */
export const oversizedStatusView: StatusCardView = {
  ...statusView,
  facts: largestActionCardView.facts,
  response: largestActionCardView.response,
  agreedActions: Array.from({ length: 10 }, (_, i) => ({
    actionId: `act_${i}`, description: `${i} ${longText}`.slice(0, 2000), owner: i === 9 ? people.officer : people.socialWorker, due: '2026-03-12',
  })),
  viewerIds: largestActionCardView.viewerIds,
};

export const crowdedReadOnlyView: ReadOnlyCardView = {
  ...readOnlyView,
  viewerIds: Array.from({ length: 75 }, (_, i) => `29:1-mri-${String(i).padStart(4, '0')}`),
};

/** A task around a booked review (DOMAIN §4.5, §4.6, §8.4): the series by its opaque reference, the task by its rule. */
const reviewTask: ReviewTaskCardView = {
  reference: 'LCS-204518', kind: 'looked-after', taskId: 'OX-R09a:booking-1', rule: 'OX-R09a',
  label: 'invitations and consultation documents sent to everyone taking part', short: 'invitations',
  purpose: 'reminder', phase: 'preparation', due: '2026-04-14', dueAt: new Date('2026-04-14T16:00:00Z'), reviewDate: '2026-04-28',
  responsible: 'Business support', canMarkDone: true,
};

export const reviewTaskViews: Record<string, ReviewTaskCardView> = {
  reminder: reviewTask,
  overdue: {
    ...reviewTask, kind: 'foster-carer', taskId: 'FC-R16:booking-2', rule: 'FC-R16', purpose: 'overdue', short: 'reports shared with carers',
    label: 'carers can see the reports prepared for the review (without confidential third-party information)', responsible: 'Supervising social worker',
  },
  followUp: {
    ...reviewTask, taskId: 'OX-R12:held-2026-04-28', rule: 'OX-R12', phase: 'follow-up', short: 'decisions circulated', due: '2026-05-06',
    dueAt: new Date('2026-05-06T16:00:00Z'), label: 'IRO circulates the written decisions and recommendations to all participants and the designated senior manager',
    responsible: 'IRO',
  },
  'deemedAgreed (empty)': {
    ...reviewTask, taskId: 'OX-R16:held-2026-04-28', rule: 'OX-R16', purpose: 'deemed-agreed', phase: 'follow-up', short: 'team manager response',
    due: '2026-05-08', dueAt: new Date('2026-05-08T16:00:00Z'), label: 'team manager considers the decisions', responsible: 'Social worker',
  },
  'done (empty)': { ...reviewTask, purpose: 'status', done: { at: new Date('2026-04-10T09:30:00Z'), by: people.officer.name } },
};

const reviewKey = { reference: 'LCS-104900', kind: 'looked-after' as const };
const REASONS = [{ title: 'The social worker is needed in court on another case', value: 'social_worker_in_court' }, { title: 'Other (say what)', value: 'other' }];

export const reviewsDueViews: Record<string, ReviewsDueView> = {
  none: { items: [], withinDays: 60, more: 0, canBook: false },
  some: {
    withinDays: 60, more: 4, canBook: true,
    items: [
      { ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', latestMeetingDate: '2026-12-14', rule: 'OX-R02', overdue: false },
      { reference: 'LCS-104901', kind: 'foster-carer', reviewLabel: 'Annual review', due: '2026-12-01', latestMeetingDate: '2026-12-01', rule: 'FC-R01', overdue: true },
      { reference: 'LCS-104902', kind: 'looked-after', reviewLabel: 'Second review', due: '2027-02-10', latestMeetingDate: '2027-02-10', rule: 'OX-R04', overdue: false, booked: { start: new Date('2027-02-03T10:00:00Z'), end: new Date('2027-02-03T11:30:00Z') } },
      { reference: 'LCS-104903', kind: 'looked-after', reviewLabel: 'Initial review', due: '2027-01-11', latestMeetingDate: '2027-01-11', rule: 'OX-R02', overdue: false, bookingFailed: true },
    ],
  },
};

export const reviewSlotsViews: Record<string, ReviewSlotsView> = {
  everyoneFree: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', latestMeetingDate: '2026-12-14', rule: 'OX-R02', outcome: 'everyone-free',
    attendees: [{ name: 'Priya Okonjo', required: true }, { name: 'Samira Haddad', required: true }, { name: 'carer@example.org', required: false }],
    slots: [
      { start: new Date('2026-11-25T09:00:00Z'), end: new Date('2026-11-25T10:30:00Z'), missing: [] },
      { start: new Date('2026-11-25T11:00:00Z'), end: new Date('2026-11-25T12:30:00Z'), missing: [] },
    ],
  },
  rearranging: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', latestMeetingDate: '2026-12-14', rule: 'OX-R02', outcome: 'optional-missing',
    explanation: 'No time before the statutory date suits the carer.', attendees: [{ name: 'Priya Okonjo', required: true }],
    rearrange: { reasonCode: 'social_worker_in_court', reasonText: 'The SW is in court.' },
    slots: [{ start: new Date('2026-12-01T13:00:00Z'), end: new Date('2026-12-01T14:30:00Z'), missing: ['carer@example.org'] }],
  },
  late: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-11-02', latestMeetingDate: '2026-11-02', rule: 'OX-R02', outcome: 'everyone-free', late: true,
    attendees: [{ name: 'Priya Okonjo', required: true }],
    slots: [{ start: new Date('2026-12-02T09:00:00Z'), end: new Date('2026-12-02T10:30:00Z'), missing: [] }],
  },
  none: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', latestMeetingDate: '2026-12-14', rule: 'OX-R02', outcome: 'none',
    explanation: 'Priya Okonjo is fully booked before the statutory date.', attendees: [{ name: 'Priya Okonjo', required: true }], slots: [],
  },
};

export const reviewBookedViews: Record<string, ReviewBookedView> = {
  booking: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', start: new Date('2026-11-25T09:00:00Z'), end: new Date('2026-11-25T10:30:00Z'),
    organiser: 'priya.okonjo@northmoor.example', attendees: ['Priya Okonjo', 'Samira Haddad'], status: 'booking', note: 'Booked.', reasons: REASONS, cancelReasons: [{ title: 'The review is no longer needed', value: 'review_no_longer_needed' }],
  },
  cancelled: {
    ...reviewKey, reviewLabel: 'Initial review', due: '2026-12-14', start: new Date('2026-11-25T09:00:00Z'), end: new Date('2026-11-25T10:30:00Z'),
    organiser: 'priya.okonjo@northmoor.example', attendees: [], status: 'cancelled', reasons: REASONS, cancelReasons: [],
  },
};

export const reviewBookingFailedViews: Record<string, ReviewBookingFailedView> = {
  due: { ...reviewKey, start: new Date('2026-11-25T09:00:00Z'), end: new Date('2026-11-25T10:30:00Z'), due: '2026-12-14', reason: 'calendar refused: GraphRequestError' },
  noStatutoryDate: { reference: 'LCS-104904', kind: 'foster-carer', start: new Date('2027-03-02T10:00:00Z'), end: new Date('2027-03-02T11:30:00Z'), reason: 'calendar refused: InvalidInputError' },
};

export const reviewRecordViews: Record<string, ReviewRecordFormView> = {
  empty: { officers: [{ title: 'Priya Okonjo, IRO', value: 'ff53a46f-5ead-403a-84c4-b877678537a3' }], workers: [{ title: 'Samira Haddad, Social Worker', value: '3c3ae353-fb14-428e-90b4-01a6c1cc0aff' }] },
  withFaults: {
    officers: [], workers: [], values: { reference: 'LCS-104900', date: '2026-02-30' }, fieldErrors: { date: 'The date it happened "2026-02-30" is not a real date' },
    formError: 'Some answers need another look: see below. Nothing was recorded.',
  },
};

// ---- reports (cards/report-card.ts): counts and percentages only, with Dudley's and Cheshire East's themes ----
const reportFigures = {
  headline: [
    { key: 'reviews_in_timescale_pct', label: 'Reviews held in timescale', value: 96.2, unit: 'percent' },
    { key: 'children_all_reviews_on_time_pct', label: 'Children with every review on time', value: 91.5, unit: 'percent' },
    { key: 'participation_pct_age4plus', label: 'Children aged 4+ taking part', value: 98, unit: 'percent' },
    { key: 'formal_alert_pct', label: 'Formal alerts, of all alerts', value: 9.9, unit: 'percent' },
    { key: 'good_practice_alert_pct', label: 'Good practice alerts, of all alerts', value: 35.6, unit: 'percent' },
    { key: 'alerts_resolved_in_timescale_pct', label: 'Alerts resolved within timescale', value: null, unit: 'percent' },
  ],
} as const;
const yearReport: ReportView = {
  title: 'Alerts and reviews report', periodLabel: '2025-26: 1 Apr 2025 to 31 Mar 2026', from: '2025-04-01', to: '2026-03-31',
  headline: reportFigures.headline,
  sections: [
    {
      key: 'alerts', heading: 'Practice alerts and disputes',
      figures: [
        { key: 'alerts_total', label: 'Alerts raised', value: 101, unit: 'count' },
        { key: 'overall_limit_breaches', label: 'Past the overall time limit', value: 3, unit: 'count' },
        { key: 'time_to_resolution_working_days[median]', label: 'Time to resolution (median)', value: 6.5, unit: 'working-days' },
      ],
      series: [
        { key: 'alerts_by_type', title: 'Alerts by kind', chart: 'donut', unit: 'count', points: [{ key: 'good_practice', label: 'Good practice', value: 36 }, { key: 'informal', label: 'Informal', value: 55 }, { key: 'formal', label: 'Formal', value: 10 }] },
        { key: 'alerts_by_stage_reached', title: 'Highest stage reached', chart: 'vertical-bar', unit: 'count', xAxisTitle: 'Stage', yAxisTitle: 'Alerts', points: [{ key: 'stage1', label: 'Stage 1', value: 70 }, { key: 'stage2', label: 'Stage 2', value: 21 }, { key: 'stage3', label: 'Stage 3', value: 10 }] },
        { key: 'alert_theme_distribution', title: 'Themes (share of alerts)', chart: 'horizontal-bar', unit: 'percent', points: [{ key: 'No updated assessment', label: 'No updated assessment', value: 32 }, { key: 'Care plan not updated', label: 'Care plan not updated / not ready', value: 16 }] },
        { key: 'alerts_by_alert_type', title: 'Alerts by type', chart: 'pie', unit: 'count', points: [] },
      ],
    },
    {
      key: 'reviews', heading: 'Reviews',
      figures: [{ key: 'reviews_held[total]', label: 'Reviews held', value: 1415, unit: 'count' }, { key: 'postponements_gt1_per_child_year', label: 'Children with more than one postponement this year', value: 4, unit: 'count' }],
      series: [{ key: 'reviews_held_by_type', title: 'Reviews held, by review', chart: 'vertical-bar', unit: 'count', points: [{ key: 'initial', label: 'Initial reviews', value: 160 }, { key: 'second', label: 'Second reviews', value: 150 }, { key: 'subsequent', label: 'Later reviews', value: 1105 }] }],
    },
  ],
};
/** Dudley's QoP and DRP trigger lists and more, 80 themes of long words: far beyond what fits in one Teams message. */
const manyThemes = Array.from({ length: 80 }, (_, i) => ({ key: `theme-${i}`, label: `Supervision visits below the minimum frequency set in the placement plan, variant ${i + 1}`, value: 80 - i }));
export const reportViews: Record<string, ReportCardView> = {
  year: { report: yearReport, period: 'this-year', csv: { kind: 'send' }, canChoosePeriod: true },
  csvSent: { report: yearReport, period: 'range', csv: { kind: 'send' }, canChoosePeriod: true, note: 'The CSV of these figures is on its way as a message in this chat.' },
  digest: {
    report: { ...yearReport, title: 'Weekly digest', periodLabel: 'As at 08:00 on Monday 9 March 2026', sections: yearReport.sections.slice(1) },
    period: 'this-month', canChoosePeriod: true,
  },
  manyCategories: {
    report: { ...yearReport, sections: [{ ...yearReport.sections[0]!, series: [{ key: 'alert_theme_distribution', title: 'Themes (share of alerts)', chart: 'horizontal-bar', unit: 'count', points: manyThemes }, { key: 'alerts_by_alert_type', title: 'Alerts by type', chart: 'pie', unit: 'count', points: manyThemes }, { key: 'alerts_by_stage_reached', title: 'Stages', chart: 'vertical-bar', unit: 'count', points: manyThemes }] }] },
    period: 'this-year', csv: { kind: 'send' }, canChoosePeriod: true,
  },
};

/** AMB-20, §3.2: the Director briefing note's cards. The child's details appear in the form and the opened note only, never in a preview or title. */
const level4 = { ...header, stageId: 'L3', stageLabel: 'Dispute Level 3', alertKind: 'dispute' as const, alertTypeLabel: 'Formal Dispute', authorityLabel: 'Somerset Council' };
const briefingAnswer: Record<string, string> = {
  dateOfBriefing: '2026-03-12', author: 'Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service', childName: child.name, lcsNumber: 'LCS-204518',
  childDateOfBirth: '2014-06-09', legalStatus: 'Section 20 since February 2025', parents: 'Mother; father not involved', familyAddress: '14 Larkspur Row, Northmoor NM4 7QT',
  incident: freeText.issue, interventions: freeText.declineReason, currentPlan: freeText.resolutionSought,
};
const formFields = (values: Record<string, string>, errors: Record<string, string> = {}): BriefingFormField[] => BRIEFING_TEMPLATE.map((f) => ({
  inputId: `bf_${f.id}`, label: f.label, kind: f.kind, maxLength: BRIEFING_INPUT_MAX_LENGTH[f.kind],
  ...(f.guidance !== undefined && { guidance: f.guidance }), ...(f.group !== undefined && { group: f.group }),
  ...(values[f.id] !== undefined && { value: values[f.id] }), ...(errors[`bf_${f.id}`] !== undefined && { error: errors[`bf_${f.id}`] }),
}));
const requiredLabels = BRIEFING_TEMPLATE.filter((f) => f.required).map((f) => f.label);
const briefingForm: BriefingFormView = {
  header: level4, title: BRIEFING_TEMPLATE_TITLE, forStageId: 'L4', forStageLabel: 'Dispute Level 4', fields: formFields(briefingAnswer), requiredLabels,
  move: { kind: 'escalate', reason: 'No response from the Deputy Director.', soughtBy: { required: true, value: '2026-03-19' } },
};
/** Every answer at its limit (the domain caps the whole note at 14,000 characters), a ladder's own field, the longest reason. */
const largestAnswers = Object.fromEntries(BRIEFING_TEMPLATE.map((f) => [f.id, f.kind === 'date' ? '2026-03-12' : 'w'.repeat(BRIEFING_INPUT_MAX_LENGTH[f.kind])]));
const extraInput = BRIEFING_ANSWER_INPUTS.find((i) => i.inputId === 'bf_extra1')!;

export const briefingFormViews: Record<string, BriefingFormView> = {
  prefilled: briefingForm,
  saved: { ...briefingForm, savedAt: new Date('2026-03-12T10:42:00Z') },
  withFaults: {
    ...briefingForm, fields: formFields(briefingAnswer, { bf_childDateOfBirth: 'Child’s date of birth "2014-02-30" is not a date that exists' }),
    formError: 'The Director briefing note is not complete: these fields need an answer: Background Information.',
  },
  bypass: { ...briefingForm, move: { kind: 'bypass', reason: 'Serious.', soughtBy: { required: false }, lineManagerDiscussed: true, emergency: true } },
  atTheStage: { ...briefingForm, header: { ...level4, stageId: 'L4', stageLabel: 'Dispute Level 4' }, move: { kind: 'none' } },
  largest: {
    ...briefingForm,
    fields: [...formFields(largestAnswers), { inputId: extraInput.inputId, label: 'Decision requested of the Director', kind: 'text', maxLength: 600, value: 'w'.repeat(600) }],
    move: { kind: 'escalate', reason: 'r'.repeat(2000), soughtBy: { required: true, value: '2026-03-19' } },
  },
};

const noteFieldsOf = (values: Record<string, string>) => BRIEFING_TEMPLATE.map((f) => ({ label: f.label, ...(f.group !== undefined && { group: f.group }), ...(values[f.id] !== undefined && { value: values[f.id] }) }));
const note: BriefingNoteView = {
  header: { ...level4, stageId: 'L4', stageLabel: 'Dispute Level 4' }, title: BRIEFING_TEMPLATE_TITLE, forStageId: 'L4', forStageLabel: 'Dispute Level 4',
  completedBy: 'Elin Rhys, FRO', completedAt: new Date('2026-03-12T11:00:00Z'), fields: noteFieldsOf(briefingAnswer),
};
export const briefingNoteViews: Record<string, BriefingNoteView> = {
  complete: note,
  largest: { ...note, fields: [...noteFieldsOf(largestAnswers), { label: 'Decision requested of the Director', value: 'w'.repeat(600) }] },
};

/** The note's own card: sent to the Director (opens for her), to someone with no part (it does not), and asking the officer for it. */
export const briefingNoticeViews: Record<string, BriefingNoticeView> = {
  sent: { header: { ...level4, stageId: 'L4', stageLabel: 'Dispute Level 4' }, note: { kind: 'sent', forStageId: 'L4', forStageLabel: 'Dispute Level 4', author: 'Elin Rhys, FRO', completedAt: new Date('2026-03-12T11:00:00Z'), canOpen: true } },
  'sentNoPart (empty)': { header: { ...level4, stageId: 'L4', stageLabel: 'Dispute Level 4' }, note: { kind: 'sent', forStageId: 'L4', forStageLabel: 'Dispute Level 4', author: 'Elin Rhys, FRO', completedAt: new Date('2026-03-12T11:00:00Z'), canOpen: false } },
  toComplete: { header: { ...level4, stageId: 'L4', stageLabel: 'Dispute Level 4' }, note: { kind: 'to-complete', forStageId: 'L4', forStageLabel: 'Dispute Level 4' } },
};
