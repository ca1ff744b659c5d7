/**
 * Reports over the Bot Framework protocol: the Director types "report" in her 1:1 chat and gets
 * the report card with Teams charts; an IRO is told who reports are for; "report" in a group chat
 * is answered only with where to ask; "Download CSV" on the card answers with the card again and
 * the CSV arrives as a message in her chat through the outbox; a report sent by itself (the weekly
 * digest) arrives as a card after its deadline fires.
 */
import assert from 'node:assert/strict';
import { configureReportSchedule } from '../../app/reports/schedule.js';
import { createWorkingCalendar } from '../../domain/calendar/index.js';
import { ONLY_IN_PRIVATE } from '../../bot/app.js';
import { invokeCard } from './card-queries.js';
import { cardsIn } from './recording-connector.js';
import { startBotHarness, TEST_TENANT_ID, type BotHarness } from './harness.js';

const DIRECTOR = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Helena Marsh-Adeyemi, Director of Children's Services
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo

describe('bot: reports in chat (senior leaders)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness({ cases: true });
  });
  after(async () => bot?.close());

  it('"report": the Director gets the report card with its charts, counts only; an IRO is told who reports are for', async () => {
    // One Oxfordshire alert raised by the IRO, with a child's name in its words.
    await bot.invoke(IRO, 'raiseSubmit', {
      formId: 'form-report-1', allocatedWorkerId: '3c3ae353-fb14-428e-90b4-01a6c1cc0aff', caseReference: 'LCS-204518', subjectInitials: 'j.t.',
      policyId: 'oxfordshire', alertTypeId: 'informal', issue: 'Jamie Thompson\'s care plan has not been reviewed.', impact: 'Contact is unclear.',
      resolutionSought: 'A reviewed care plan.', resolutionSoughtBy: '2026-11-27',
    });
    await bot.say(DIRECTOR, 'report');
    const card = cardsIn(bot.sentTo(DIRECTOR).at(-1)!.activity)[0]!;
    const json = JSON.stringify(card);
    assert.match(json, /Alerts and reviews report/);
    assert.match(json, /2026-27 so far/);
    assert.match(json, /"type":"Chart\.Donut"/);
    assert.match(json, /\{"title":"Alerts raised","value":"1"\}/);
    assert.doesNotMatch(json, /LCS-204518|Jamie|J\.T\./i);
    await bot.say(IRO, 'report');
    assert.match(bot.textsTo(IRO).at(-1)!, /Reports are for senior leaders/);
  });

  it('in a group chat it says to ask in the 1:1 chat', async () => {
    const before = bot.sentTo(DIRECTOR).length;
    await bot.post(bot.activityFromUser(DIRECTOR, 'report', { conversationType: 'groupChat' }));
    const sent = bot.connector.sent.slice(-1)[0]!;
    assert.equal(sent.activity.text, ONLY_IN_PRIVATE);
    assert.equal(bot.sentTo(DIRECTOR).length, before);
  });

  it('Download CSV answers with the card again, and the CSV arrives as a message in her chat', async () => {
    const reply = await bot.invoke(DIRECTOR, 'reportCsv', { from: '2026-04-01', to: '2026-11-23' });
    assert.equal(reply.status, 200);
    assert.match(JSON.stringify(invokeCard(reply.body)), /CSV of these figures is on its way/);
    await bot.deliver();
    const csv = bot.textsTo(DIRECTOR).at(-1)!;
    assert.match(csv, /```\nindicator,value\nperiod.from,2026-04-01\nperiod.to,2026-11-23\n/);
    const forged = await bot.invoke(IRO, 'reportCsv', { from: '2026-04-01', to: '2026-11-23' });
    assert.match(JSON.stringify(forged.body), /Reports are for senior leaders/);
  });

  it('the weekly digest, set for Monday 08:00, arrives as a card once its deadline fires', async () => {
    const calendar = createWorkingCalendar();
    await configureReportSchedule({
      db: bot.db!, clock: bot.clock, calendar, tenant: TEST_TENANT_ID,
      settings: { 'weekly-digest': { timing: { report: 'weekly-digest', weekday: 1, time: '08:00' }, roles: ['director'] } },
    });
    bot.clock.set('2026-11-30T08:00:00Z');
    await bot.fireDeadlines();
    await bot.deliver();
    const card = cardsIn(bot.sentTo(DIRECTOR).at(-1)!.activity)[0]!;
    assert.match(JSON.stringify(card), /Weekly digest/);
    assert.match(JSON.stringify(card), /Open cases waiting for you/);
  });
});
