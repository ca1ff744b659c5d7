/**
 * The Director briefing note as its cards and its document see it (DOMAIN §3.2, §8.6, AMB-20).
 * Pure: the case, its history, the ladder, staff names and the date in; view models out.
 *
 * The form is filled in ahead from what Resolve knows (§8.6): the date, the author's name, job
 * title and team from the directory, the LCS number (the case reference), the incident from the
 * issue and the reasons for each escalation, the interventions from every stage's responses and
 * the agreed actions, and the plan from the resolution sought. The child's own details (name,
 * date of birth, address, family) Resolve never holds until the officer types them here.
 */
import {
  BRIEFING_INPUT_MAX_LENGTH, briefingExtraInputId, briefingInputId, formatIsoDate,
  type BriefingFormField, type BriefingFormMove, type BriefingFormView, type BriefingNoteView, type BriefingNoticeView,
} from '../../cards/index.js';
import type { BriefingDocumentView } from '../../documents/briefing-docx.js';
import type { LocalDate } from '../../domain/calendar/index.js';
import { BRIEFING_FIELD_MAX_LENGTH, briefingFields, hasPart, type BriefingRecord, type CaseEvent, type CaseState } from '../../domain/escalation/index.js';
import { BRIEFING_TEMPLATE, BRIEFING_TEMPLATE_TITLE, type BriefingField, type Policy, type Stage } from '../../domain/policies/index.js';
import type { NameOf } from '../cases/views.js';
import { caseHeader } from '../cases/views.js';

/** A field of the note with the form input that holds it. */
export interface BriefingInput {
  readonly field: BriefingField;
  readonly inputId: string;
}

/** The note's fields in order, each with its input: the template's by id, the ladder's own in numbered slots. */
export function briefingInputs(policy: Policy): BriefingInput[] {
  const extras = policy.briefing.fields.map((f) => f.id);
  return briefingFields(policy).map((field) => {
    const extra = extras.indexOf(field.id);
    return { field, inputId: extra === -1 ? briefingInputId(field.id) : briefingExtraInputId(extra + 1) };
  });
}

/** Answers by input id (as the form sends them) to answers by field id (as the domain keeps them). */
export function answersByField(policy: Policy, byInput: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, inputId } of briefingInputs(policy)) {
    const value = byInput[inputId];
    if (value !== undefined) out[field.id] = value;
  }
  return out;
}

const clip = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`);
const day = (calendarDate: LocalDate) => formatIsoDate(calendarDate);

export interface PrefillInputs {
  readonly state: CaseState;
  readonly events: readonly CaseEvent[];
  readonly policy: Policy;
  /** The stage the note is for. */
  readonly target: Stage;
  /** "Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service": the author as the directory has them. */
  readonly author: string;
  readonly nameOf: NameOf;
  /** Today in London, and any instant as a London date. */
  readonly today: LocalDate;
  readonly dateOf: (instant: string) => LocalDate;
  /** The reason the officer gave for escalating there, when they gave one. */
  readonly reason?: string;
}

/** §8.6: "Incident leading to Briefing" from the alert and the stage history. */
function incident(input: PrefillInputs): string {
  const { state, events, policy, target, dateOf } = input;
  const impactLabel = policy.subjectType === 'foster_carer' ? 'Impact on the foster carers and the children in their care' : 'Impact on the child';
  const lines = [`${state.alertTypeLabel}: ${state.issue}`, `${impactLabel}: ${state.impactOnChild}`];
  for (const e of events) {
    if (e.type === 'CaseRaised') lines.push(`Raised at ${e.stage.stageLabel} on ${day(dateOf(e.at))}.`);
    if (e.type === 'StageEscalated') {
      lines.push(`${e.bypass === null ? 'Escalated' : 'Moved straight'} from ${e.fromStageLabel} to ${e.stage.stageLabel} on ${day(dateOf(e.at))}: ${e.reason}`);
    }
  }
  if (input.reason !== undefined && input.reason !== '') lines.push(`Reason for going to ${target.label}: ${input.reason}`);
  return lines.join('\n');
}

/** §8.6: "Interventions" from each stage's responses, the proposals answered, and the agreed actions. */
function interventions(input: PrefillInputs): string {
  const { state, nameOf, dateOf } = input;
  const lines: string[] = [];
  for (const visit of [...state.previousStages, state.stage]) {
    const withTo = visit.to.map(nameOf).join(', ') || 'nobody';
    for (const p of visit.rejectedProposals ?? []) {
      lines.push(`${visit.stageLabel}: ${nameOf(p.by)} proposed: ${p.proposal} Rejected by ${nameOf(p.rejectedBy)} on ${day(dateOf(p.at))}${p.reason === null ? '.' : `: ${p.reason}`}`);
    }
    const r = visit.response;
    if (r !== null) {
      const what = r.response === 'accept' ? 'accepted' : r.response === 'decline' ? 'declined' : 'proposed an alternative';
      lines.push(`${visit.stageLabel}: ${nameOf(r.by)} ${what} on ${day(dateOf(r.at))}${r.text === null ? '.' : `: ${r.text}`}`);
    } else if (visit.leftAt !== null) {
      lines.push(`${visit.stageLabel}: no response from ${withTo}${visit.responseDueAt === null ? '' : ` (due ${day(dateOf(visit.responseDueAt))})`}.`);
    }
  }
  for (const a of state.actions) {
    lines.push(`Agreed action for ${nameOf(a.owner)}, due ${day(a.dueDate as LocalDate)}: ${a.text}${a.completedAt === null ? ' (not yet done)' : ` (done on ${day(dateOf(a.completedAt))})`}`);
  }
  return lines.join('\n');
}

/** What Resolve knows, by field id, each within its field's length. */
export function prefillAnswers(input: PrefillInputs): Record<string, string> {
  const { state } = input;
  const known: Record<string, string> = {
    dateOfBriefing: input.today,
    author: input.author,
    lcsNumber: state.reference,
    incident: incident(input),
    interventions: interventions(input),
    currentPlan: `Resolution sought: ${state.resolutionSought}`,
  };
  const out: Record<string, string> = {};
  for (const field of briefingFields(input.policy)) {
    const value = known[field.id];
    if (value !== undefined && value !== '') out[field.id] = clip(value, BRIEFING_FIELD_MAX_LENGTH[field.kind]);
  }
  return out;
}

export interface FormInputs {
  readonly state: CaseState;
  readonly policy: Policy;
  readonly target: Stage;
  /** The answers to show, by field id (the saved draft, or what Resolve filled in). */
  readonly answers: Readonly<Record<string, string>>;
  /** What was typed on the form just sent, by input id: shown instead of the answers when the form comes back with faults. */
  readonly typed?: Readonly<Record<string, string>>;
  /** Faults by input id. */
  readonly errors?: Readonly<Record<string, string>>;
  readonly move: BriefingFormMove;
  readonly savedAt?: Date;
  readonly formError?: string;
}

export function briefingFormView(input: FormInputs): BriefingFormView {
  const { state, policy, target } = input;
  const fields: BriefingFormField[] = briefingInputs(policy).map(({ field, inputId }) => {
    const value = input.typed?.[inputId] ?? input.answers[field.id];
    const error = input.errors?.[inputId];
    return {
      inputId, label: field.label, kind: field.kind, maxLength: BRIEFING_INPUT_MAX_LENGTH[field.kind],
      ...(field.guidance !== undefined && { guidance: field.guidance }),
      ...(field.group !== undefined && { group: field.group }),
      ...(value !== undefined && { value }),
      ...(error !== undefined && { error }),
    };
  });
  const typedReason = input.typed?.moveReason;
  const typedSoughtBy = input.typed?.moveSoughtBy;
  const move: BriefingFormMove = input.typed === undefined ? input.move : {
    ...input.move,
    ...(typedReason !== undefined && { reason: typedReason }),
    ...(input.move.soughtBy !== undefined && typedSoughtBy !== undefined && { soughtBy: { ...input.move.soughtBy, value: typedSoughtBy } }),
  };
  return {
    header: caseHeader(state),
    title: BRIEFING_TEMPLATE_TITLE,
    forStageId: target.id,
    forStageLabel: target.label,
    fields,
    requiredLabels: briefingFields(policy).filter((f) => f.required).map((f) => (f.group === undefined ? f.label : `${f.group}: ${f.label}`)),
    move,
    ...(input.savedAt !== undefined && { savedAt: input.savedAt }),
    ...(input.formError !== undefined && { formError: input.formError }),
  };
}

/** Staff as the note's cards name them: "Elin Rhys, FRO". */
const staff = (nameOf: NameOf, policy: Policy | undefined, id: string, officer: string) => (id === officer ? `${nameOf(id)}, ${policy?.labels.officer ?? 'reviewing officer'}` : nameOf(id));

/**
 * The card a person gets about the note for `stageId`: the note sent (it opens for them if they
 * have a part in the case), or, for a case raised at that stage, a request to complete it.
 */
export function briefingNoticeView(state: CaseState, policy: Policy | undefined, stageId: string, viewerId: string, nameOf: NameOf): BriefingNoticeView {
  const note = state.briefings[stageId];
  const forStageLabel = note?.forStageLabel ?? policy?.stages.find((s) => s.id === stageId)?.label ?? stageId;
  const header = caseHeader(state);
  if (note?.status === 'complete' && note.completedAt !== null) {
    return {
      header,
      note: {
        kind: 'sent', forStageId: stageId, forStageLabel, author: staff(nameOf, policy, note.savedBy, state.raisedBy),
        completedAt: new Date(note.completedAt), canOpen: hasPart(state, viewerId),
      },
    };
  }
  return { header, note: { kind: 'to-complete', forStageId: stageId, forStageLabel } };
}

/** The completed note's fields with their answers, in the order it was completed with; guidance from the ladder where it has the field. */
export function noteFields(note: BriefingRecord, policy: Policy | undefined): BriefingDocumentView['fields'][number][] {
  const known = policy === undefined ? BRIEFING_TEMPLATE : briefingFields(policy);
  const recorded = note.fields ?? known.map((f) => ({ id: f.id, label: f.label, ...(f.group !== undefined && { group: f.group }) }));
  return recorded.map((f) => {
    const guidance = known.find((k) => k.id === f.id)?.guidance;
    return { label: f.label, value: note.answers[f.id] ?? '', ...(f.group !== undefined && { group: f.group }), ...(guidance !== undefined && { guidance }) };
  });
}

export function briefingNoteView(state: CaseState, policy: Policy | undefined, note: BriefingRecord, nameOf: NameOf): BriefingNoteView {
  return {
    header: caseHeader(state),
    title: BRIEFING_TEMPLATE_TITLE,
    forStageId: note.forStageId,
    forStageLabel: note.forStageLabel,
    completedBy: staff(nameOf, policy, note.savedBy, state.raisedBy),
    completedAt: new Date(note.completedAt ?? note.savedAt),
    fields: noteFields(note, policy).map(({ label, value, group }) => ({ label, value, ...(group !== undefined && { group }) })),
  };
}
