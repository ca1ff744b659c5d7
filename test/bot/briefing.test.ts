/**
 * The Director briefing note over the Bot Framework protocol (DOMAIN §3.2, §8.6, AMB-20, §6.3):
 * a Somerset dispute escalated to Level 4 answers the FRO with the note's form; a half-filled
 * form saved and opened again keeps its answers; completing it escalates; the Director's and the
 * Deputy Director's 1:1 chats get the note's card with an opaque preview, and it opens only for
 * people on the case; it exports as a Word document. Nothing of the note reaches a log line, an
 * email, a preview, a message text or a card's fallback text.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import { createCaseFlows } from '../../app/cases/flows.js';
import { caseWorkers } from '../../app/cases/raise-form.js';
import { createLogger } from '../../app/log.js';
import { createWorkingCalendar } from '../../domain/calendar/index.js';
import { BRIEFING_TEMPLATE, getPolicy } from '../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../graph/directory/index.js';
import { actionsIn, inputValue, invokeCard, invokeMessage } from './card-queries.js';
import { cardsIn, type JsonObject } from './recording-connector.js';
import { SAMPLE_ORGANISATION, TEST_TENANT_ID, startBotHarness, type BotHarness } from './harness.js';
import { FICTIONAL_CHILD, completeBriefingAnswers } from '../domain/escalation/briefing-answers.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const ELIN = '0c28cec1-b947-42af-a4b9-36976b4b76b0'; // Fostering Reviewing Officer (Somerset FRO)
const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Supervising Social Worker
const TOMASZ = '8a119b9e-16bc-4732-8f7b-7676d015b0dc'; // Deputy Director
const HELENA = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Director of Children's Services
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // an IRO with no part in the case

/** Everything typed into the note that must stay inside its form, its card and its document. */
const SECRETS = [FICTIONAL_CHILD.name, 'Jamie', 'Thompson', FICTIONAL_CHILD.address, 'Larkspur', FICTIONAL_CHILD.dateOfBirth, 'CAMHS', 'half-brothers'];
const typedNote = (overrides: Record<string, string> = {}) => Object.fromEntries(Object.entries(completeBriefingAnswers(overrides)).map(([id, v]) => [`bf_${id}`, v]));

/** What a click on a form's button sends: the button's data and every input's value as the card holds it, `typed` over them. */
function press(card: JsonObject, verb: string, typed: Record<string, string> = {}): JsonObject {
  const action = actionsIn(card).find((a) => a.verb === verb);
  assert.ok(action, `the card has ${verb}`);
  const inputs: JsonObject = {};
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const o = node as JsonObject;
    if (String(o.type).startsWith('Input.') && o.value !== undefined) inputs[String(o.id)] = o.value;
    Object.values(o).forEach(visit);
  };
  visit(card.body);
  return { ...(action.data as JsonObject), ...inputs, ...typed };
}

const leaksIn = (texts: readonly string[]) => SECRETS.filter((s) => texts.some((t) => t.includes(s)));
/** What shows outside the bot (as test/bot/privacy.test.ts scans it): previews, message texts and card fallbacks. */
const exposed = (activities: readonly JsonObject[]) => activities.flatMap((a) => [a.summary, a.text, ...cardsIn(a).map((c) => c.fallbackText)]).filter((t): t is string => typeof t === 'string');

describe('bot: the Director briefing note, Somerset Level 4 (AMB-20, §3.2, §8.6)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  const reference = 'LCS-771204';
  let form: JsonObject;

  before(async () => {
    bot = await startBotHarness({ cases: true, policies: [getPolicy('somerset')] });
    await bot.say(HELENA, 'help'); // the Director has talked to Resolve: her 1:1 chat is known
  });
  after(async () => {
    await bot.close();
  });

  it('a Somerset dispute escalated to Level 4 gets the briefing form, not a refusal, filled in ahead', async () => {
    const raised = invokeCard((await bot.invoke(ELIN, 'raiseSubmit', {
      formId: 'form-briefing-1', caseReference: reference, subjectInitials: 'R.M.', allocatedWorkerId: NIAMH, policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level3',
      issue: 'Supervision of the foster carers has stopped since January.', impact: 'The carers are struggling without support.',
      resolutionSought: 'A supervising social worker allocated and monthly supervision restored.', resolutionSoughtBy: '2026-11-27',
    })).body);
    await bot.deliver();
    const escalate = actionsIn(raised).find((a) => a.verb === 'escalate');
    assert.ok(escalate, 'the FRO\'s card offers Escalate');
    const reply = await bot.invoke(ELIN, 'escalate', { ...(escalate.data as JsonObject), escalateReason: 'No response from the Deputy Director.', escalateSoughtBy: '2026-12-04' });
    form = invokeCard(reply.body);
    assert.equal(form.fallbackText, `Director briefing note to complete: case ${reference}, Formal Dispute (Stage 3): Level 4`);
    assert.match(JSON.stringify(form), /Case Briefing for Deputy Director\/DCS/);
    for (const field of BRIEFING_TEMPLATE) assert.match(JSON.stringify(form), new RegExp(`"label":"${field.label.replace(/[()&]/g, '.')}"`), field.label);
    assert.equal(inputValue(form, 'bf_author'), 'Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service');
    assert.equal(inputValue(form, 'bf_lcsNumber'), reference);
    assert.deepEqual(actionsIn(form).map((a) => a.title).filter((t) => t !== 'Back to the case'), ['Save for later', 'Complete and escalate to Formal Dispute (Stage 3): Level 4']);
    assert.deepEqual(bot.cardsTo(HELENA).filter((c) => JSON.stringify(c).includes(reference)), [], 'nothing of the case has reached the Director');
  });

  it('a half-filled form saved for later, and opened again from Escalate, keeps its answers', async () => {
    const saved = invokeCard((await bot.invoke(ELIN, 'briefingSave', press(form, 'briefingSave', {
      bf_childName: FICTIONAL_CHILD.name, bf_childDateOfBirth: FICTIONAL_CHILD.dateOfBirth, bf_familyAddress: FICTIONAL_CHILD.address,
    }))).body);
    assert.match(JSON.stringify(saved), /Nothing has been sent\./);
    await bot.deliver();
    assert.deepEqual(bot.cardsTo(HELENA).filter((c) => JSON.stringify(c).includes(reference)), [], 'a draft goes to nobody');
    const again = invokeCard((await bot.invoke(ELIN, 'escalate', { caseId: 'case-form-briefing-1', stageId: 'level3', version: (actionsIn(form).find((a) => a.verb === 'briefingSave')!.data as JsonObject).version as number, escalateReason: 'No response from the Deputy Director.' })).body);
    assert.equal(inputValue(again, 'bf_childName'), FICTIONAL_CHILD.name);
    assert.equal(inputValue(again, 'bf_childDateOfBirth'), FICTIONAL_CHILD.dateOfBirth);
    assert.equal(inputValue(again, 'bf_familyAddress'), FICTIONAL_CHILD.address);
    assert.equal(inputValue(again, 'bf_background'), undefined);
    form = again;
  });

  it('completing it escalates: the FRO gets the case card at Level 4', async () => {
    const reply = invokeCard((await bot.invoke(ELIN, 'briefingComplete', press(form, 'briefingComplete', typedNote({ lcsNumber: reference })))).body);
    assert.equal(reply.fallbackText, `Case status: case ${reference}, Formal Dispute (Stage 3): Level 4`);
    await bot.deliver();
  });

  it('the Director\'s 1:1 chat gets the note\'s card, opaque: the reference and stage in the preview, text and fallback; the Deputy Director\'s too; never a channel', async () => {
    for (const person of [HELENA, TOMASZ]) {
      const briefings = bot.sentTo(person).filter((s) => cardsIn(s.activity).some((c) => /^Director briefing:/.test(String(c.fallbackText))));
      assert.equal(briefings.length, 1, `one briefing card to ${person}`);
      const sent = briefings[0]!;
      assert.doesNotMatch(sent.conversationId, /@thread|channel|groupChat/, 'a 1:1 chat');
      assert.equal(sent.activity.summary ?? cardsIn(sent.activity)[0]?.fallbackText, `Director briefing: case ${reference}, Formal Dispute (Stage 3): Level 4`);
      assert.equal(sent.activity.text, `Resolve: ${reference} (Formal Dispute (Stage 3): Level 4): a Director briefing note.`);
      assert.deepEqual(leaksIn([JSON.stringify(sent.activity)]), [], 'the card itself carries none of the note');
    }
    const toHelena = bot.cardsTo(HELENA).find((c) => /^Director briefing:/.test(String(c.fallbackText)));
    assert.deepEqual(actionsIn(toHelena).map((a) => a.verb), ['briefingOpen', 'openCase']);
    // Her own case card (To at Level 4) came too, as ever.
    assert.ok(bot.cardsTo(HELENA).some((c) => /^New case: |^Action needed: |: case LCS-771204/.test(String(c.fallbackText)) && !/^Director briefing/.test(String(c.fallbackText))));
  });

  it('only people on the case can open its details: the Director can, an IRO with no part cannot', async () => {
    const toHelena = bot.cardsTo(HELENA).find((c) => /^Director briefing:/.test(String(c.fallbackText)))!;
    const open = actionsIn(toHelena).find((a) => a.verb === 'briefingOpen')!;
    const opened = invokeCard((await bot.invoke(HELENA, 'briefingOpen', open.data as JsonObject)).body);
    const text = JSON.stringify(opened);
    for (const value of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address, FICTIONAL_CHILD.dateOfBirth]) assert.ok(text.includes(value), value);
    assert.deepEqual(leaksIn([String(opened.fallbackText)]), []);
    assert.equal(invokeMessage((await bot.invoke(PRIYA, 'briefingOpen', open.data as JsonObject)).body), 'You have no part in that case, or it does not exist. Nothing was changed.');
    const hidden = invokeCard((await bot.invoke(HELENA, 'briefingHide', open.data as JsonObject)).body);
    assert.deepEqual(leaksIn([JSON.stringify(hidden)]), []);
  });

  it('Export as Word from the card: in local mode the document is written under <DATA_DIR>/briefings and the reply says where', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-data-'));
    try {
      // The harness's flows stand in for local mode's, with its data folder (bin/serve.ts passes <DATA_DIR>/briefings).
      const directory = createOrgFileDirectory(await loadOrganisationFile(SAMPLE_ORGANISATION));
      const local = createCaseFlows({
        db: bot.db!, clock: bot.clock, calendar: createWorkingCalendar(), policies: [getPolicy('somerset')], directory, workers: await caseWorkers(directory),
        tenant: TEST_TENANT_ID, logger: createLogger({ level: 'silent' }), briefingsDir: path.join(dataDir, 'briefings'),
      });
      const standIn = bot.flows!.act;
      bot.flows!.act = local.act;
      try {
        const toHelena = bot.cardsTo(HELENA).find((c) => /^Director briefing:/.test(String(c.fallbackText)))!;
        const opened = invokeCard((await bot.invoke(HELENA, 'briefingOpen', actionsIn(toHelena).find((a) => a.verb === 'briefingOpen')!.data as JsonObject)).body);
        const exportAction = actionsIn(opened).find((a) => a.verb === 'briefingExport');
        assert.ok(exportAction, 'the opened note offers Export as Word');
        const said = invokeMessage((await bot.invoke(HELENA, 'briefingExport', exportAction.data as JsonObject)).body);
        const file = path.join(dataDir, 'briefings', `${reference}-level4.docx`);
        assert.match(said, new RegExp(`saved as a Word document: ${file.replace(/[.\\/]/g, '\\$&')}$`));
        const { value } = await mammoth.extractRawText({ buffer: readFileSync(file) });
        for (const field of BRIEFING_TEMPLATE) assert.ok(value.includes(`${field.label}:`), field.label);
        for (const answer of Object.values(completeBriefingAnswers({ lcsNumber: reference }))) assert.ok(value.includes(answer), answer);
      } finally {
        bot.flows!.act = standIn;
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('without a data folder for it (a tenant), Export as Word says how an administrator exports it instead', async () => {
    const toHelena = bot.cardsTo(HELENA).find((c) => /^Director briefing:/.test(String(c.fallbackText)))!;
    const data = actionsIn(toHelena).find((a) => a.verb === 'briefingOpen')!.data as JsonObject;
    assert.equal(invokeMessage((await bot.invoke(HELENA, 'briefingExport', data)).body), `Word export from Teams is not set up here. An administrator can export this note with: resolve case briefing ${reference} --docx FILE`);
  });

  it('nothing of the note is in any log line, email, preview, message text or card fallback the bot sent', () => {
    const lines = bot.logs.map((l) => JSON.stringify(l));
    assert.ok(lines.some((l) => l.includes('briefing.completed')), 'the completion is logged, by id');
    assert.deepEqual(leaksIn(lines), [], 'log lines');
    assert.deepEqual(leaksIn(bot.mails.flatMap((m) => [m.subject, m.html, m.text ?? ''])), [], 'emails');
    assert.deepEqual(leaksIn(exposed(bot.connector.sent.map((s) => s.activity))), [], 'previews, texts and fallbacks');
    // Cards went to people's 1:1 chats only, and the only ones that carry the note's words are none: they open on request.
    assert.deepEqual(leaksIn(bot.connector.sent.map((s) => JSON.stringify(s.activity))), [], 'no card the bot sent by itself carries the note');
  });
});
