/**
 * The regular reports all the way, as bin/serve.ts wires them (app/reports/reports.ts): the
 * schedule set at start-up, the dispatcher firing the digest and the annual report, the outbox
 * delivering each card through the transport table to the recipients' 1:1 chats (a recording
 * Teams transport), composed at delivery from the real indicators (domain/reports) over the store,
 * here with no cases or reviews yet. Every card parses as the catalog's do.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeliveryWorker } from '../../../app/delivery/worker.js';
import type { PersonalMessage } from '../../../app/delivery/messages.js';
import { createLogger } from '../../../app/log.js';
import { createReports, REPORT_TOPIC, withReportDeadlines } from '../../../app/reports/reports.js';
import { cardBytes, MAX_CARD_BYTES } from '../../../cards/index.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { createDeadlineDispatcher } from '../../../store/deadlines.js';
import { listEffects } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';

const ORG_FILE = fileURLToPath(new URL('../../../graph/samples/organisation.yaml', import.meta.url));
const HELENA = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Director of Children's Services
const RUPERT = 'fab36728-a78b-4b7e-8787-c0de2f960063'; // Service Manager, Safeguarding and Quality Assurance

describeOnEngines('regular reports: fired, queued and delivered to each recipient\'s 1:1 chat', (engine) => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'resolve-reports-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the digest (on the Tuesday after Easter Monday) and the annual report on the first working day of April reach their readers as cards', async function () {
    this.timeout(60_000);
    const db = engine.db;
    const clock = new TestClock('2027-03-28T12:00:00Z'); // Sunday 28 March 2027, the day the clocks go forward
    const calendar = createWorkingCalendar();
    const directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
    const logger = createLogger({ level: 'silent' });
    const reports = createReports({
      db, clock, calendar, policies: [getPolicy('oxfordshire')], directory, logger, tenant: 'tenant-northmoor', filesDir: path.join(dir, 'reports'),
      organisation: 'Northmoor Borough Council',
      settings: {
        'weekly-digest': { timing: { report: 'weekly-digest', weekday: 1, time: '08:00' }, roles: ['director'] },
        annual: { timing: { report: 'annual', time: '08:00' }, roles: ['director', 'sm_quality_assurance'] },
      },
    });
    await reports.start();
    await reports.start();
    const sent: PersonalMessage[] = [];
    const outbox = createDeliveryWorker({
      db, clock, workerId: 'instance-a', logger, recorders: [],
      composers: { [REPORT_TOPIC]: reports.composer },
      teams: {
        send: async (message) => {
          sent.push(message);
          return { outcome: 'delivered', location: { conversationId: `a:${message.recipientId}`, messageId: String(sent.length), serviceUrl: 'https://smba.example/' } };
        },
        sendToChat: async () => assert.fail('everyone has a chat'),
      },
      installer: { ensurePersonalChat: async () => assert.fail('everyone has a chat') },
      mail: { send: async () => assert.fail('no email: Teams reached everyone') },
      emailOf: async () => undefined,
    });
    const dispatcher = createDeadlineDispatcher({ db, clock, workerId: 'instance-a', handler: withReportDeadlines(async () => assert.fail('another stream'), reports.deadlineHandler) });

    // Monday 29 March 2027 is Easter Monday: the digest goes on Tuesday 30 March at 08:00 BST (07:00Z).
    // Thursday 1 April 07:00Z: the annual report for 2026-27.
    for (const at of ['2027-03-29T07:00:00Z', '2027-03-30T06:59:00Z', '2027-03-30T07:00:00Z', '2027-04-01T06:59:00Z', '2027-04-01T07:00:00Z']) {
      clock.set(at);
      await dispatcher.runOnce();
      while ((await outbox.runOnce()).claimed > 0) { /* deliver everything due */ }
    }
    const effects = await listEffects(db);
    assert.ok(effects.every((e) => e.status === 'delivered'), effects.map((e) => `${e.destination} ${e.status} ${e.lastError ?? ''}`).join('; '));
    // Each reader's chat gets its reports in order; different readers' chats are served side by side.
    const to = (person: string) => sent.filter((m) => m.recipientId === person).map((m) => m.preview);
    assert.equal(sent.length, 3);
    assert.deepEqual(to(HELENA), ['Weekly digest, As at 08:00 on Tuesday 30 March 2027', 'Independent Reviewing Service annual report 2026-27, 2026-27: 1 Apr 2026 to 31 Mar 2027']);
    assert.deepEqual(to(RUPERT), ['Independent Reviewing Service annual report 2026-27, 2026-27: 1 Apr 2026 to 31 Mar 2027']);
    for (const m of sent) assert.ok(m.card !== undefined && cardBytes(m.card as never) <= MAX_CARD_BYTES);
    assert.ok(existsSync(path.join(dir, 'reports', 'annual-report-2026-27.docx')));
  });
});
