/**
 * The Director briefing note's use cases on the store (DOMAIN §3.2, §8.6, AMB-20), on PGlite and
 * PostgreSQL: escalating to Somerset Level 4 answers with the note's form, filled in ahead from
 * the directory and the case; Save for later keeps the answers; Complete and escalate does both
 * in one transaction, or neither; the Director and the Deputy Director are sent the note's card
 * through the outbox; only people on the case open it; it exports as a Word document. Nothing of
 * it reaches a log, an outbox payload, a preview, a message text or an email.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import { createCaseFlows, ONE_CLICK_ESCALATION_REASON, type CaseFlows } from '../../../app/cases/flows.js';
import { loadCase, parseCaseTeamsPayload } from '../../../app/cases/model.js';
import { caseWorkers } from '../../../app/cases/raise-form.js';
import { createLogger } from '../../../app/log.js';
import type { Reply } from '../../../app/replies.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import type { AdaptiveCardJson } from '../../../cards/index.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { CaseEvent, CaseState } from '../../../domain/escalation/index.js';
import { BRIEFING_TEMPLATE, getPolicy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { listEffects } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';
import { FICTIONAL_CHILD, completeBriefingAnswers } from '../../domain/escalation/briefing-answers.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const ELIN = '0c28cec1-b947-42af-a4b9-36976b4b76b0'; // Fostering Reviewing Officer (Somerset FRO)
const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Supervising Social Worker
const TOMASZ = '8a119b9e-16bc-4732-8f7b-7676d015b0dc'; // Deputy Director
const HELENA = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Director of Children's Services
const GRACE = 'bc67ba94-637d-4efa-a09e-467ada679f81'; // Head of Service
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // an IRO with no part in these cases

/** What must never leave the note's own cards and document. */
const SECRETS = [FICTIONAL_CHILD.name, 'Jamie', 'Thompson', FICTIONAL_CHILD.address, 'Larkspur', FICTIONAL_CHILD.dateOfBirth, 'CAMHS', 'Dana'];

type Json = Record<string, unknown>;
function* nodes(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const v of value) yield* nodes(v);
  else if (typeof value === 'object' && value !== null) {
    yield value as Json;
    for (const v of Object.values(value)) yield* nodes(v);
  }
}
const cardOf = (reply: Reply): AdaptiveCardJson => {
  assert.ok('card' in reply, `expected a card, got ${JSON.stringify(reply).slice(0, 300)}`);
  return reply.card;
};
const messageOf = (reply: Reply): string => {
  assert.ok('message' in reply, `expected a message, got ${JSON.stringify(reply).slice(0, 200)}`);
  return reply.message;
};
const inputValue = (card: unknown, id: string) => [...nodes(card)].find((n) => String(n.type).startsWith('Input.') && n.id === id)?.value;
const execute = (card: unknown, verb: string) => [...nodes(card)].find((n) => n.type === 'Action.Execute' && n.verb === verb);
/** What the form's submit sends: its action's data and every input as the card holds it, with `typed` over them. */
function submit(card: AdaptiveCardJson, verb: string, typed: Record<string, string> = {}): Json {
  const action = execute(card, verb);
  assert.ok(action, `the card has ${verb}`);
  const inputs = [...nodes(card.body)].filter((n) => String(n.type).startsWith('Input.') && n.value !== undefined);
  return { ...(action.data as Json), ...Object.fromEntries(inputs.map((i) => [String(i.id), i.value])), ...typed };
}
/** The complete note as the officer would type it into the form, by input id. */
const typedNote = (overrides: Record<string, string> = {}) => Object.fromEntries(Object.entries(completeBriefingAnswers(overrides)).map(([id, v]) => [`bf_${id}`, v]));

describeOnEngines('app/briefings: the Director briefing note through the case flows (AMB-20, §3.2, §8.6)', (ctx) => {
  const clock = new TestClock('2026-11-23T10:00:00Z'); // Monday
  const logs: string[] = [];
  let flows: CaseFlows;
  let docsDir: string;

  before(async () => {
    docsDir = mkdtempSync(path.join(tmpdir(), 'resolve-briefings-'));
    const directory = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
    flows = createCaseFlows({
      db: ctx.db, clock, calendar: createWorkingCalendar(), policies: [getPolicy('somerset')], directory, workers: await caseWorkers(directory),
      tenant: 'tenant-northmoor', logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }), briefingsDir: docsDir,
    });
  });
  after(() => rmSync(docsDir, { recursive: true, force: true }));

  async function state(caseId: string): Promise<{ state: CaseState; events: CaseEvent[] }> {
    const loaded = await loadCase(ctx.db, caseId);
    assert.ok(loaded.state);
    return { state: loaded.state, events: loaded.records.map((r) => r.event) };
  }

  /** A Somerset dispute raised at Level 3 (To the Deputy Director), with Level 3's response declined. */
  async function disputeAtLevel3(entryStageId = 'level3'): Promise<{ caseId: string; reference: string }> {
    const formId = randomUUID();
    const reference = `LCS-${Math.floor(100000 + Math.random() * 899999)}`;
    const raised = await flows.submitRaise(ELIN, {
      formId, caseReference: reference, subjectInitials: 'J.T.', allocatedWorkerId: NIAMH, policyId: 'somerset', alertTypeId: 'dispute', entryStageId,
      issue: 'Supervision of the foster carers has stopped since January.', impact: 'The carers are struggling with the placement without support.',
      resolutionSought: 'A supervising social worker allocated and monthly supervision restored.', resolutionSoughtBy: '2026-11-27',
    });
    assert.equal(raised.kind, 'raised', JSON.stringify(raised).slice(0, 300));
    const caseId = `case-${formId}`;
    if (entryStageId === 'level3') {
      const { state: s } = await state(caseId);
      await flows.act(TOMASZ, 'respondDecline', { caseId, stageId: 'level3', version: s.revision, declineReason: 'There is no budget for another worker this quarter.' });
    }
    return { caseId, reference };
  }

  async function escalate(caseId: string, data: Json = {}): Promise<AdaptiveCardJson> {
    const { state: s } = await state(caseId);
    return cardOf(await flows.act(ELIN, 'escalate', { caseId, stageId: s.stage.stageId, version: s.revision, escalateReason: 'The Deputy Director declined.', escalateSoughtBy: '2026-12-04', ...data }));
  }

  it('Escalate to Level 4 answers with the note\'s form instead of a refusal, every template field in order, filled in ahead from what Resolve knows; nothing is changed', async () => {
    const { caseId, reference } = await disputeAtLevel3();
    const before = (await state(caseId)).events.length;
    const form = await escalate(caseId);
    assert.equal(form.fallbackText, `Director briefing note to complete: case ${reference}, Formal Dispute (Stage 3): Level 4`);
    assert.ok([...nodes(form)].some((n) => n.style === 'heading' && n.text === 'Case Briefing for Deputy Director/DCS'));
    const labels = [...nodes(form.body)].filter((n) => String(n.type).startsWith('Input.') && String(n.id).startsWith('bf_')).map((n) => n.label);
    assert.deepEqual(labels, BRIEFING_TEMPLATE.map((f) => f.label));
    assert.ok(JSON.stringify(form).includes('(please outline previous contacts, assessments, interventions and outcomes of work undertaken)'));
    // §8.6 prefill: the date, the author from the directory, the LCS number, the incident and the interventions.
    assert.equal(inputValue(form, 'bf_dateOfBriefing'), '2026-11-23');
    assert.equal(inputValue(form, 'bf_author'), 'Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service');
    assert.equal(inputValue(form, 'bf_lcsNumber'), reference);
    assert.match(String(inputValue(form, 'bf_incident')), /Supervision of the foster carers has stopped since January\./);
    assert.match(String(inputValue(form, 'bf_incident')), /Reason for going to Formal Dispute \(Stage 3\): Level 4: The Deputy Director declined\./);
    assert.match(String(inputValue(form, 'bf_interventions')), /Level 3: Tomasz Wieczorek declined on Monday 23 November 2026: There is no budget for another worker this quarter\./);
    assert.match(String(inputValue(form, 'bf_currentPlan')), /monthly supervision restored/);
    assert.equal(inputValue(form, 'bf_childName'), undefined, 'Resolve never knows the child\'s details until the officer types them');
    assert.equal(inputValue(form, 'moveReason'), 'The Deputy Director declined.');
    assert.equal(inputValue(form, 'moveSoughtBy'), '2026-12-04');
    assert.equal((await state(caseId)).events.length, before, 'nothing recorded by opening the form');
    assert.equal((await state(caseId)).state.stage.stageId, 'level3');
  });

  it('Save for later keeps a half-filled form; opening it again shows the saved answers; nobody is told anything', async () => {
    const { caseId } = await disputeAtLevel3();
    const form = await escalate(caseId);
    const effectsBefore = (await listEffects(ctx.db, { streamId: caseId })).length;
    const saved = cardOf(await flows.act(ELIN, 'briefingSave', submit(form, 'briefingSave', { bf_childName: FICTIONAL_CHILD.name, bf_familyAddress: FICTIONAL_CHILD.address, bf_incident: '' })));
    assert.match(JSON.stringify(saved), /Saved at 10:00 on 23 November\. Nothing has been sent\./);
    assert.equal(inputValue(saved, 'bf_childName'), FICTIONAL_CHILD.name);
    const { state: s, events } = await state(caseId);
    assert.equal(events.at(-1)?.type, 'BriefingDraftSaved');
    assert.equal(s.briefings.level4?.answers.childName, FICTIONAL_CHILD.name);
    assert.equal(s.briefings.level4?.answers.incident, undefined, 'a field emptied stays empty');
    assert.equal((await listEffects(ctx.db, { streamId: caseId })).length, effectsBefore, 'a draft sends nothing');
    const again = await escalate(caseId);
    assert.equal(inputValue(again, 'bf_childName'), FICTIONAL_CHILD.name);
    assert.equal(inputValue(again, 'bf_familyAddress'), FICTIONAL_CHILD.address);
    assert.equal(inputValue(again, 'bf_incident'), undefined);
    assert.equal(inputValue(again, 'bf_author'), 'Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service');
  });

  it('Complete and escalate with required fields empty comes back naming them, with the answers kept as a draft and the case where it was', async () => {
    const { caseId } = await disputeAtLevel3();
    const form = await escalate(caseId);
    const back = cardOf(await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', { bf_childName: FICTIONAL_CHILD.name })));
    assert.match(JSON.stringify(back), /The Director briefing note is not complete: these fields need an answer: Child’s date of birth; Legal Status & Date of any orders; Family Composition: Parents; Family Address; Date Opened to CSC; Background Information\. Your answers are saved; nothing has been sent\./);
    assert.equal(inputValue(back, 'bf_childName'), FICTIONAL_CHILD.name);
    const { state: s } = await state(caseId);
    assert.equal(s.stage.stageId, 'level3');
    assert.equal(s.briefings.level4?.status, 'draft');
    assert.equal(s.briefings.level4?.answers.childName, FICTIONAL_CHILD.name);
  });

  it('a date that does not exist comes back beside its field, with everything typed, and nothing saved', async () => {
    const { caseId } = await disputeAtLevel3();
    const form = await escalate(caseId);
    const back = cardOf(await flows.act(ELIN, 'briefingSave', submit(form, 'briefingSave', { bf_childName: FICTIONAL_CHILD.name, bf_childDateOfBirth: '2014-02-30' })));
    assert.match(JSON.stringify(back), /is not a date that exists/);
    assert.equal(inputValue(back, 'bf_childName'), FICTIONAL_CHILD.name);
    assert.equal((await state(caseId)).state.briefings.level4, undefined);
  });

  it('Complete and escalate: the note completed and the case at Level 4 in one submit; the officer gets the case card; the Director and Deputy Director each get the note\'s card in Teams, opaque, and never by email', async () => {
    const { caseId, reference } = await disputeAtLevel3();
    const form = await escalate(caseId);
    const reply = cardOf(await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', typedNote())));
    assert.match(reply.fallbackText, /^Case status: case LCS-\d+, Formal Dispute \(Stage 3\): Level 4$/);
    const { state: s, events } = await state(caseId);
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['BriefingCompleted', 'StageEscalated']);
    assert.equal(s.stage.stageId, 'level4');
    assert.equal(s.stage.resolutionSoughtBy, '2026-12-04');
    assert.deepEqual([...s.briefings.level4!.sendTo].sort(), [HELENA, TOMASZ].sort());
    assert.equal(s.briefings.level4?.answers.childName, FICTIONAL_CHILD.name);

    const effects = await listEffects(ctx.db, { streamId: caseId });
    const briefing = effects.filter((e) => parseCaseTeamsPayload(e.payload)?.request.purpose === 'briefing');
    assert.deepEqual(briefing.map((e) => [e.destination, e.kind]).sort(), [[`teams:${HELENA}`, 'teams.card'], [`teams:${TOMASZ}`, 'teams.card']].sort());
    assert.ok(!effects.some((e) => e.kind === 'email' && String(e.idempotencyKey).includes('/briefing/')), 'the note is never emailed');
    for (const e of effects) for (const secret of SECRETS) assert.ok(!JSON.stringify(e.payload).includes(secret), `outbox payload holds "${secret}"`);

    // Composed at delivery: the note's card, the reference and the stage only, in the person's 1:1 chat (a teams: destination).
    const toHelena = briefing.find((e) => e.destination === `teams:${HELENA}`);
    assert.ok(toHelena);
    const message = await flows.composer.compose(toHelena, parseCaseTeamsPayload(toHelena.payload)!);
    assert.ok(message);
    assert.equal(message.preview, `Director briefing: case ${reference}, Formal Dispute (Stage 3): Level 4`);
    assert.equal(message.text, `Resolve: ${reference} (Formal Dispute (Stage 3): Level 4): a Director briefing note.`);
    assert.equal(message.email?.subject, `Resolve: ${reference} (Formal Dispute (Stage 3): Level 4): a Director briefing note`);
    for (const secret of SECRETS) {
      assert.ok(!JSON.stringify(message).includes(secret), `the Director's card, preview, text or fallback email holds "${secret}"`);
    }
    assert.ok(execute(message.card, 'briefingOpen'), 'the card opens the note for her');

    // The same submit again (a double click): it went already; nothing more happens.
    const twice = messageOf(await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', typedNote())));
    assert.match(twice, /^The Director briefing note for Formal Dispute \(Stage 3\): Level 4 was completed and sent on .*\. Nothing more was changed\.$/);
    assert.equal((await state(caseId)).events.length, events.length);
  });

  it('only people on the case open the note; its details come in answer to their click, and fold away again', async () => {
    const { caseId } = await disputeAtLevel3();
    await flows.act(ELIN, 'briefingComplete', submit(await escalate(caseId), 'briefingComplete', typedNote()));
    const { state: s } = await state(caseId);
    const key = { caseId, stageId: s.stage.stageId, version: s.revision, forStageId: 'level4' };
    const opened = cardOf(await flows.act(HELENA, 'briefingOpen', key));
    const text = JSON.stringify(opened);
    for (const value of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address, FICTIONAL_CHILD.dateOfBirth]) assert.ok(text.includes(value), value);
    assert.doesNotMatch(opened.fallbackText, /Jamie|Larkspur/);
    assert.equal(messageOf(await flows.act(PRIYA, 'briefingOpen', key)), 'You have no part in that case, or it does not exist. Nothing was changed.');
    assert.ok(cardOf(await flows.act(GRACE, 'briefingOpen', key)), 'the Head of Service, copied at Level 4, is on the case');
    const hidden = cardOf(await flows.act(HELENA, 'briefingHide', key));
    for (const secret of SECRETS) assert.ok(!JSON.stringify(hidden).includes(secret), secret);
    assert.ok(logs.some((l) => l.includes('"event":"briefing.opened"') && l.includes(HELENA)), 'each opening is logged by id');
  });

  it('Export as Word writes <DATA_DIR>/briefings/<reference>-<stage>.docx and says where; the document holds every label and answer', async () => {
    const { caseId, reference } = await disputeAtLevel3();
    await flows.act(ELIN, 'briefingComplete', submit(await escalate(caseId), 'briefingComplete', typedNote()));
    const { state: s } = await state(caseId);
    const said = messageOf(await flows.act(HELENA, 'briefingExport', { caseId, stageId: s.stage.stageId, version: s.revision, forStageId: 'level4' }));
    const file = path.join(docsDir, `${reference}-level4.docx`);
    assert.equal(said, `The Director briefing note for ${reference} (Formal Dispute (Stage 3): Level 4) is saved as a Word document: ${file}`);
    const { value } = await mammoth.extractRawText({ buffer: readFileSync(file) });
    assert.match(value, /Case Briefing for Deputy Director\/DCS/);
    for (const field of BRIEFING_TEMPLATE) assert.ok(value.includes(`${field.label}:`), field.label);
    for (const answer of Object.values(completeBriefingAnswers())) assert.ok(value.includes(answer), answer);
    assert.equal(messageOf(await flows.act(PRIYA, 'briefingExport', { caseId, stageId: s.stage.stageId, version: s.revision, forStageId: 'level4' })), 'You have no part in that case, or it does not exist. Nothing was changed.');
  });

  it('the overdue chaser\'s one-click Escalate opens the form too, with the overdue response as the reason', async () => {
    // A case that reaches Level 3 unanswered, and is overdue there.
    const fresh = await disputeAtLevel3('level2');
    const { state: f } = await state(fresh.caseId);
    await flows.act(ELIN, 'escalate', { caseId: fresh.caseId, stageId: 'level2', version: f.revision, escalateReason: 'No response.' });
    const { state: at3 } = await state(fresh.caseId);
    clock.set(new Date(Date.parse(at3.stage.responseDueAt!) + 60_000));
    try {
      const form = cardOf(await flows.act(ELIN, 'escalate', { caseId: fresh.caseId, stageId: 'level3', version: at3.revision, escalateSoughtBy: '2026-12-11' }));
      assert.equal(inputValue(form, 'moveReason'), ONE_CLICK_ESCALATION_REASON);
      assert.ok(execute(form, 'briefingComplete'));
    } finally {
      clock.set('2026-11-23T10:00:00Z');
    }
  });

  it('when the escalation that goes with it is refused, neither happens: no completed note, the answers kept, the form says why', async () => {
    const { caseId } = await disputeAtLevel3();
    const form = await escalate(caseId);
    const back = cardOf(await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', { ...typedNote(), moveSoughtBy: '2026-11-20' })));
    assert.match(JSON.stringify(back), /The date resolution is sought by, Friday 20 November 2026, has passed/);
    assert.match(JSON.stringify(back), /Your answers are saved; nothing has been sent\./);
    const { state: s, events } = await state(caseId);
    assert.ok(!events.some((e) => e.type === 'BriefingCompleted'), 'the completion was undone with the refused escalation');
    assert.equal(s.stage.stageId, 'level3');
    assert.equal(s.briefings.level4?.status, 'draft');
    assert.equal(s.briefings.level4?.answers.familyAddress, FICTIONAL_CHILD.address);
  });

  it('a bypass to Level 4 opens the form as a bypass, and completing it bypasses with the reason recorded', async () => {
    const { caseId } = await disputeAtLevel3('level2');
    const { state: s } = await state(caseId);
    const form = cardOf(await flows.act(ELIN, 'bypass', { caseId, stageId: 'level2', version: s.revision, bypassStageId: 'level4', bypassReason: 'The Head of Service is the subject of the concern.', bypassSoughtBy: '2026-12-04' }));
    assert.ok(execute(form, 'briefingComplete')?.title === 'Complete and go to Formal Dispute (Stage 3): Level 4');
    assert.equal(inputValue(form, 'moveReason'), 'The Head of Service is the subject of the concern.');
    await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', typedNote()));
    const { state: after, events } = await state(caseId);
    assert.equal(after.stage.stageId, 'level4');
    const moved = events.at(-1);
    assert.ok(moved?.type === 'StageEscalated' && moved.bypass?.skippedFromStageId === 'level3');
  });

  it('a case raised straight at Level 4: the officer is asked for the note, completes it from that card, and it goes out at once', async () => {
    const { caseId } = await disputeAtLevel3('level4');
    const asked = (await listEffects(ctx.db, { streamId: caseId })).filter((e) => parseCaseTeamsPayload(e.payload)?.request.purpose === 'briefing');
    assert.deepEqual(asked.map((e) => e.destination), [`teams:${ELIN}`]);
    assert.ok(asked[0]);
    const prompt = await flows.composer.compose(asked[0], parseCaseTeamsPayload(asked[0].payload)!);
    const open = execute(prompt?.card, 'briefingForm');
    assert.ok(open, 'the card asks her to complete the note');
    const form = cardOf(await flows.act(ELIN, 'briefingForm', open.data));
    assert.equal(execute(form, 'briefingComplete')?.title, 'Complete and send');
    assert.equal(inputValue(form, 'moveReason'), undefined, 'no escalation: the case is at Level 4 already');
    await flows.act(ELIN, 'briefingComplete', submit(form, 'briefingComplete', typedNote()));
    const sent = (await listEffects(ctx.db, { streamId: caseId })).filter((e) => parseCaseTeamsPayload(e.payload)?.request.purpose === 'briefing').map((e) => e.destination);
    assert.deepEqual(sent.sort(), [`teams:${ELIN}`, `teams:${HELENA}`, `teams:${TOMASZ}`].sort());
    // The card that asked for it, clicked again, shows the note as it went.
    const shown = cardOf(await flows.act(ELIN, 'briefingForm', open.data));
    assert.match(shown.fallbackText, /^Director briefing: case LCS-\d+, Formal Dispute \(Stage 3\): Level 4$/);
    assert.ok(execute(shown, 'briefingExport'));
  });

  it('no log line holds anything the officer typed into the note', () => {
    assert.ok(logs.some((l) => l.includes('briefing.completed')));
    for (const line of logs) for (const secret of SECRETS) assert.ok(!line.includes(secret), `log line holds "${secret}": ${line.slice(0, 200)}`);
  });
});
