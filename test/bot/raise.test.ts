import assert from 'node:assert/strict';
import { NOT_AVAILABLE } from '../../app/replies.js';
import type { BotFlows } from '../../bot/app.js';
import { getPolicy } from '../../domain/policies/index.js';
import { messageText } from '../../bot/raise.js';
import { actionsIn, inputValue, invokeCard, invokeMessage } from './card-queries.js';
import { cardsIn, type JsonObject } from './recording-connector.js';
import { caseWorkers } from '../../app/cases/raise-form.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../graph/directory/index.js';
import { raiseFormOnly, SAMPLE_ORGANISATION, startBotHarness, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml.
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo
const OTHER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce
const WORKER = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Niamh Delaney, supervising social worker (Dudley's ladder is about foster carers)
const SOCIAL_WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad, social worker (children's ladders)

/** A complete, valid Dudley raise form as Teams posts it (inputs are strings). */
const validForm = (formId = 'form-1'): JsonObject => ({
  formId,
  caseReference: 'LCS-204518',
  subjectInitials: 'J.T.',
  allocatedWorkerId: WORKER,
  policyId: 'dudley',
  alertTypeId: 'qop',
  entryStageId: 'qop_alert',
  issue: 'The placement plan has not been updated since the move.',
  impact: 'Carers do not know the contact arrangements.',
  resolutionSought: 'An updated placement plan shared with the carers.',
  discussedWithLineManager: 'false',
  emergency: 'false',
});


describe('bot: the raise form over HTTP', () => {
  let bot: BotHarness;
  const raised: { actorId: string; form: JsonObject }[] = [];
  const firstRaised = () => raised[0];
  // The real raise form and its checks; a checked form is recorded here instead of raising a case.
  const recordingFlows = async (): Promise<BotFlows> => {
  const workers = await caseWorkers(createOrgFileDirectory(await loadOrganisationFile(SAMPLE_ORGANISATION)));
  const forms = raiseFormOnly([getPolicy('oxfordshire'), getPolicy('dudley')], workers);
  const flows: BotFlows = {
    ...forms,
    act: (actorId, verb, data) => (verb === 'raiseSubmit' ? flows.submitRaise(actorId, data).then((o) => ('message' in o ? { message: o.message } : { card: o.card })) : forms.act(actorId, verb, data)),
    submitRaise: async (actorId, data) => {
      const checked = await forms.submitRaise(actorId, data);
      if ('message' in checked || !JSON.stringify(checked.card).includes(NOT_AVAILABLE)) return checked;
      raised.push({ actorId, form: data as JsonObject });
      return { kind: 'raised', card: { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', fallbackText: 'Case LCS-204518 raised', body: [{ type: 'TextBlock', text: 'Raised' }] } };
    },
  };
  return flows;
  };
  beforeEach(async () => {
    raised.length = 0;
    bot = await startBotHarness({ flows: await recordingFlows() });
  });
  afterEach(async () => {
    await bot.close();
  });

  it('"help" answers with the help card: Raise and My cases buttons', async () => {
    await bot.say(IRO, 'help');
    const [card] = bot.cardsTo(IRO);
    assert.ok(card);
    assert.deepEqual(actionsIn(card).map((a) => a.verb), ['raiseOpen', 'myCases']);
  });

  it('"raise" opens the form: an Action.Execute raiseSubmit stamped with a form id, offering each configured ladder', async () => {
    await bot.say(IRO, 'raise');
    const [card] = bot.cardsTo(IRO);
    const submit = actionsIn(card).find((a) => a.verb === 'raiseSubmit');
    assert.equal(submit?.type, 'Action.Execute');
    assert.match(String((submit?.data as JsonObject).formId), /^[0-9a-f-]{36}$/);
    assert.match(JSON.stringify(card), /Oxfordshire County Council/);
    assert.match(JSON.stringify(card), /Dudley MBC/);
  });

  it('a form with mistakes comes back on the form, field by field, with everything typed kept; nothing is raised', async () => {
    const typed: JsonObject = { ...validForm(), caseReference: 'Jamie Thompson', subjectInitials: '', impact: '' };
    const reply = await bot.invoke(IRO, 'raiseSubmit', typed);
    assert.equal(reply.status, 200);
    const card = invokeCard(reply.body);
    const text = JSON.stringify(card);
    assert.match(text, /Please correct these 3 fields/);
    assert.match(text, /never a name/);
    assert.match(text, /Initials are required/);
    assert.match(text, /Impact on the child is required/);
    assert.equal(inputValue(card, 'issue'), typed.issue, 'the issue typed is still there');
    assert.equal(inputValue(card, 'caseReference'), 'Jamie Thompson', 'the faulty value is shown for correction');
    assert.equal((actionsIn(card).find((a) => a.verb === 'raiseSubmit')?.data as JsonObject).formId, 'form-1', 'same form id');
    assert.deepEqual(raised, []);
  });

  it('the form asks for the allocated worker, offering the organisation\'s case workers by name', async () => {
    await bot.say(IRO, 'raise');
    const [card] = bot.cardsTo(IRO);
    const text = JSON.stringify(card);
    assert.match(text, /"id":"allocatedWorkerId"/);
    assert.match(text, /\{"title":"Samira Haddad","value":"3c3ae353-fb14-428e-90b4-01a6c1cc0aff"\}/);
  });

  it('a children\'s ladder offers social workers and a foster carers\' ladder supervising social workers: never managers, officers, business support or the officer raising it', async () => {
    const offered = (card: JsonObject) => {
      const input = JSON.stringify(card).match(/"id":"allocatedWorkerId".*?"choices":(\[[^\]]*\])/);
      return (JSON.parse(input?.[1] ?? '[]') as { title: string }[]).map((c) => c.title);
    };
    const oxfordshire = invokeCard((await bot.invoke(IRO, 'raiseUpdate', { formId: 'form-w', policyId: 'oxfordshire' })).body);
    assert.deepEqual(offered(oxfordshire), ['Ffion Marsh', 'Joel Whitcombe', 'Samira Haddad']);
    const dudley = invokeCard((await bot.invoke(IRO, 'raiseUpdate', { formId: 'form-w', policyId: 'dudley' })).body);
    assert.deepEqual(offered(dudley), ['Niamh Delaney']);
    const social = invokeCard((await bot.invoke(IRO, 'raiseSubmit', { ...validForm('form-sw'), allocatedWorkerId: SOCIAL_WORKER })).body);
    assert.match(JSON.stringify(social), /Allocated supervising social worker is not one of the people offered for Dudley MBC's ladder/);
  });

  it('a missing allocated worker, or one the form did not offer, comes back on its own field; nothing is raised', async () => {
    const { allocatedWorkerId: _none, ...missing } = validForm();
    const noWorker = invokeCard((await bot.invoke(IRO, 'raiseSubmit', missing)).body);
    assert.match(JSON.stringify(noWorker), /Please correct this field: Allocated social worker \(or supervising social worker\)/);
    assert.match(JSON.stringify(noWorker), /Allocated social worker is required/);
    assert.equal(inputValue(noWorker, 'issue'), validForm().issue, 'everything typed is kept');
    const stranger = invokeCard((await bot.invoke(IRO, 'raiseSubmit', { ...validForm(), allocatedWorkerId: '00000000-0000-4000-8000-000000000000' })).body);
    assert.match(JSON.stringify(stranger), /is not one of the people offered/);
    assert.deepEqual(raised, []);
  });

  it('the allocated worker chosen reaches the raise flow in the checked form', async () => {
    await bot.invoke(IRO, 'raiseSubmit', validForm());
    assert.equal(firstRaised()?.form.allocatedWorkerId, WORKER);
  });

  it('a stage that is not on the chosen ladder is refused on the entry-stage field', async () => {
    const reply = await bot.invoke(IRO, 'raiseSubmit', { ...validForm(), entryStageId: 'stage5' });
    assert.match(JSON.stringify(invokeCard(reply.body)), /Entry stage is not a stage of Dudley MBC's ladder/);
    assert.deepEqual(raised, []);
  });

  it('a valid form raises as the person who clicked (from.aadObjectId), whatever the card data claims', async () => {
    const reply = await bot.invoke(IRO, 'raiseSubmit', { ...validForm(), actor: OTHER, raisedBy: OTHER });
    assert.match(JSON.stringify(invokeCard(reply.body)), /Raised/);
    assert.equal(raised.length, 1);
    assert.equal(raised[0]?.actorId, IRO);
    assert.equal(raised[0]?.form.caseReference, 'LCS-204518');
  });

  it('a raise form without its form id is a damaged card: a message, nothing raised', async () => {
    const { formId: _formId, ...noId } = validForm();
    const reply = await bot.invoke(IRO, 'raiseSubmit', noId);
    assert.match(invokeMessage(reply.body), /damaged or was not sent by Resolve.*Nothing was changed/);
    assert.deepEqual(raised, []);
  });

  it('a case action with malformed data (no case id, a version that is not a number) never reaches the case flows', async () => {
    const reply = await bot.invoke(IRO, 'respondAccept', { stageId: 'stage1', version: 'latest' });
    assert.equal(reply.status, 200);
    assert.match(invokeMessage(reply.body), /caseId is missing.*Nothing was changed/);
  });

  it('choosing another ladder and pressing "Update the form" redraws it with that ladder\'s stages, keeping the text', async () => {
    const reply = await bot.invoke(IRO, 'raiseUpdate', { formId: 'form-9', policyId: 'dudley', issue: 'Kept text' });
    const card = invokeCard(reply.body);
    assert.match(JSON.stringify(card), /Dudley MBC/);
    assert.equal(inputValue(card, 'policyId'), 'dudley');
    assert.equal(inputValue(card, 'issue'), 'Kept text');
  });

  it('"Raise alert from this message" opens the same form in a dialog, with the message text as the issue', async () => {
    const activity = {
      ...bot.activityFromUser(IRO, ''),
      type: 'invoke',
      name: 'composeExtension/fetchTask',
      value: { commandId: 'raiseFromMessage', commandContext: 'message', messagePayload: { body: { contentType: 'html', content: '<p>Contact has not happened&nbsp;for <b>3 weeks</b>.</p>' } } },
    };
    const reply = await bot.post(activity);
    const task = (reply.body as { task: { type: string; value: { card: { content: JsonObject } } } }).task;
    assert.equal(task.type, 'continue');
    const card = task.value.card.content;
    assert.equal(inputValue(card, 'issue'), 'Contact has not happened for 3 weeks.');
    const submit = actionsIn(card).find((a) => (a.data as JsonObject | undefined)?.verb === 'raiseSubmit');
    assert.equal(submit?.type, 'Action.Submit', 'dialogs take Action.Submit');
  });

  it('submitting the dialog with mistakes keeps it open with the faults; a valid one raises and posts nothing where the message was', async () => {
    const submit = (data: JsonObject) =>
      bot.post({ ...bot.activityFromUser(IRO, ''), type: 'invoke', name: 'composeExtension/submitAction', value: { commandId: 'raiseFromMessage', data } });
    const faulty = await submit({ ...validForm('form-2'), issue: '' });
    const task = (faulty.body as { task: { type: string; value: { card: { content: JsonObject } } } }).task;
    assert.equal(task.type, 'continue');
    assert.match(JSON.stringify(task.value.card.content), /The issue is required/);
    assert.deepEqual(raised, []);

    const ok = await submit(validForm('form-3'));
    assert.equal(ok.status, 200);
    assert.equal(firstRaised()?.actorId, IRO);
    assert.match(JSON.stringify(ok.body), /Raised\. Your card for it is in your chat with Resolve/);
    assert.deepEqual(bot.connector.sent, [], 'no card in the chat or channel the message came from');
  });

  it('messageText turns a Teams HTML body into plain text', () => {
    assert.equal(messageText('<div>Line one<br>Line &amp; two</div><p>&lt;three&gt;</p>'), 'Line one\nLine & two\n<three>');
  });
});

describe('bot: without the raise flow wired', () => {
  it('a valid form comes back with everything kept and says raising is not available yet', async () => {
    const bot = await startBotHarness();
    try {
      const reply = await bot.invoke(IRO, 'raiseSubmit', validForm());
      const card = invokeCard(reply.body);
      assert.ok(JSON.stringify(card).includes(NOT_AVAILABLE));
      assert.equal(inputValue(card, 'caseReference'), 'LCS-204518');
    } finally {
      await bot.close();
    }
  });
});

describe('bot: card sanity', () => {
  it('cardsIn reads Adaptive Card attachments only', () => {
    assert.deepEqual(cardsIn({ attachments: [{ contentType: 'text/html', content: 'x' }, { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] }), [{ type: 'AdaptiveCard' }]);
  });
});
