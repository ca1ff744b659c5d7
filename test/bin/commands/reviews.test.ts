import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../bin/commands/dispatch.js';
import { createReviewsCommand } from '../../../bin/commands/reviews.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { createFileCalendar } from '../../../graph/calendar.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { describeOnEngines } from '../../store/engines.js';
import { resolve } from './run-cli.js';

const SAMPLE = fileURLToPath(new URL('../../../graph/samples/reviews.csv', import.meta.url));
const HEADER = 'reference,kind,event,date,officer,worker,invitees,participated,aged_4_plus';
/** An Entra object id anywhere in the output: never printed. */
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Names of the fictional people the sample file names by email (graph/samples/organisation.yaml). */
const NAMES = /Priya|Okonjo|Samira|Haddad|Joel|Whitcombe|Marcus|Oduya|Niamh|Delaney|Elin|Rhys/;

describeOnEngines('bin/commands: resolve reviews import and resolve reviews due', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'resolve-reviews-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** The command closes the database it is given, as the real one does; hand it a view that does not. */
  const borrowed = async (): Promise<Db> => ({ ...ctx.db, close: async () => undefined });
  const clock = new TestClock('2026-03-02T10:00:00.000Z');
  const command = createReviewsCommand({
    open: borrowed,
    openDirectory: async () => createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE)),
    settings: () => ({ calendar: createWorkingCalendar() }),
    clock,
    progressFromRows: 50,
  });
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([command.name, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, [command]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const dueJson = async (...argv: string[]) => {
    const result = await run('due', '--json', ...argv);
    assert.equal(result.code, 0, result.err);
    return JSON.parse(result.out) as Record<string, unknown>[];
  };

  it('a bad file exits 2, imports nothing, and lists every bad row with its row, column and fix', async () => {
    const bad = file('bad.csv', [
      HEADER,
      'LCS-900001,looked-after,became-looked-after,2026-01-05,priya.okonjo@northmoor.example,,,,',
      'LCS-900001,looked-after,review-held,2026-02-30,,,,yes,yes',
      'LCS-900002,looked-after,became-looked-after,2026-01-05,no.such.officer@northmoor.example,,,,',
      'LCS-900003,foster-carer,placement-change,2026-01-05,,,,,',
      'LCS-900004,looked-after,became-looked-after,2026-01-05,,,,maybe,',
    ].join('\n'));
    const result = await run('import', bad);
    assert.equal(result.code, 2);
    assert.equal(result.out, '');
    const lines = result.err.split('\n');
    assert.deepEqual(lines.slice(0, -1).map((l) => l.replace(/:.*/, '')), ['row 3, date', 'row 4, officer', 'row 5, event', 'row 6, participated']);
    assert.match(lines[0]!, /^row 3, date: date "2026-02-30" is not a date: February 2026 has 28 days\. Fix: write a date that exists/);
    assert.match(lines[1]!, /no\.such\.officer@northmoor\.example is not a person in the directory\. Fix: /);
    assert.equal(lines.at(-1), `nothing was imported: 4 bad rows in ${bad}; fix them and import the file again`);
    assert.deepEqual(await dueJson(), []);
    const json = await run('import', bad, '--json');
    assert.equal(json.code, 2);
    const report = JSON.parse(json.out) as { ok: boolean; badRows: number; errors: { row: number; column: string | null; problem: string; fix: string }[] };
    assert.deepEqual([report.ok, report.badRows, report.errors.map((e) => [e.row, e.column])], [false, 4, [[3, 'date'], [4, 'officer'], [5, 'event'], [6, 'participated']]]);
    assert.deepEqual(Object.keys(report.errors[0]!), ['row', 'column', 'problem', 'fix']);
  });

  it('--dry-run says what would change and writes nothing', async () => {
    const result = await run('import', SAMPLE, '--dry-run', '--json');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), { ok: true, file: SAMPLE, dryRun: true, rows: 12, series: 5, newSeries: 5, changedSeries: 0, unchangedSeries: 0, newEvents: 30 });
    assert.deepEqual(await dueJson(), []);
  });

  it('a good file is imported; importing it again reports 0 new events and changes nothing', async () => {
    const first = await run('import', SAMPLE);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.out, `imported ${SAMPLE}: 12 rows, 5 review series (5 new, 0 changed, 0 unchanged); 30 new events`);
    const due = await dueJson();
    const again = await run('import', SAMPLE, '--json');
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), { ok: true, file: SAMPLE, dryRun: false, rows: 12, series: 5, newSeries: 0, changedSeries: 0, unchangedSeries: 5, newEvents: 0 });
    assert.match((await run('import', SAMPLE)).out, /0 new events: the register already holds everything in this file$/);
    assert.deepEqual(await dueJson(), due);
  });

  it('OX-R02..OX-R05, FC-R01: due --json is every review due, soonest first, with exactly its reference, kind, review, dates, rule and booking', async () => {
    const due = await dueJson();
    assert.deepEqual(due, [
      { reference: 'LCS-104877', kind: 'looked-after', review: 'initial', due: '2026-03-16', latestMeetingDate: '2026-03-16', rule: 'OX-R02', booked: null, bookingFailed: false },
      { reference: 'LCS-104519', kind: 'looked-after', review: 'placement-change', due: '2026-03-30', latestMeetingDate: '2026-03-30', rule: 'OX-R03', booked: null, bookingFailed: false },
      { reference: 'LCS-104233', kind: 'looked-after', review: 'second', due: '2026-05-01', latestMeetingDate: '2026-05-01', rule: 'OX-R04', booked: null, bookingFailed: false },
      { reference: 'FC-20331', kind: 'foster-carer', review: 'first', due: '2026-06-12', latestMeetingDate: '2026-06-12', rule: 'FC-R01', booked: null, bookingFailed: false },
      { reference: 'FC-20418', kind: 'foster-carer', review: 'annual', due: '2026-10-20', latestMeetingDate: '2026-10-20', rule: 'FC-R02', booked: null, bookingFailed: false },
    ]);
  });

  it('--within-days N lists only the reviews due within N days from today', async () => {
    assert.deepEqual((await dueJson('--within-days', '14')).map((r) => r.reference), ['LCS-104877']);
    assert.deepEqual((await dueJson('--within-days', '28')).map((r) => r.reference), ['LCS-104877', 'LCS-104519']);
    assert.deepEqual(await dueJson('--within-days', '0'), []);
    assert.equal((await run('due', '--within-days', '0')).out, 'no reviews are due within 0 days');
    assert.equal((await run('due', '--within-days', 'soon')).code, 2);
    assert.equal((await run('due', '--within-days', '-3')).code, 2);
  });

  it('due without --json is a readable table, soonest first, naming no one', async () => {
    const result = await run('due');
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\n');
    assert.match(lines[0]!, /^reference\s+kind\s+review\s+due\s+latest meeting\s+rule\s+booked \(London time\)$/);
    assert.match(lines[1]!, /^LCS-104877\s+looked-after\s+initial\s+2026-03-16\s+2026-03-16\s+OX-R02\s+not booked$/);
    assert.equal(lines.length, 6);
    for (const text of [result.out, (await run('import', SAMPLE)).out]) {
      assert.doesNotMatch(text, GUID);
      assert.doesNotMatch(text, NAMES);
    }
  });

  it('a large file shows its progress on stderr, and its summary on stdout', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `LCS-8${String(i).padStart(5, '0')},looked-after,became-looked-after,2026-02-02,,,,,`);
    const result = await run('import', file('large.csv', [HEADER, ...rows].join('\n')));
    assert.equal(result.code, 0, result.err);
    const progress = result.err.split('\n');
    assert.equal(progress[0], `read 60 rows from ${join(dir, 'large.csv')}`);
    assert.ok(progress.includes('checked 60 of 60 review series') && progress.includes('wrote 60 of 60 review series'), result.err);
    assert.match(result.out, /60 rows, 60 review series \(60 new/);
  });

  it('a wrong command line exits 2 with the usage', async () => {
    for (const argv of [[], ['book'], ['import'], ['import', join(dir, 'missing.csv')], ['import', SAMPLE, 'other.csv'], ['due', 'now']]) {
      const result = await run(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.err, /usage: resolve reviews import FILE\.csv/);
    }
    assert.match((await run('import', join(dir, 'missing.csv'))).err, /there is no file at/);
  });
});

describeOnEngines('bin/commands: resolve reviews slots', (ctx) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'resolve-slots-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const borrowed = async (): Promise<Db> => ({ ...ctx.db, close: async () => undefined });
  const clock = new TestClock('2026-03-02T10:00:00.000Z');
  const command = createReviewsCommand({
    open: borrowed,
    openDirectory: async () => createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE)),
    settings: () => ({ calendar: createWorkingCalendar() }),
    // Local mode: DATA_DIR/calendars/<email>.ics and the meetings in DATA_DIR/outbox-calendar.
    openCalendar: async () => createFileCalendar({ dir: join(dataDir, 'outbox-calendar'), now: () => clock.now() }),
    clock,
  });
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([command.name, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, [command]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  /** A person's own calendar, as Outlook exports it. */
  function busy(email: string, ...blocks: [string, string][]) {
    mkdirSync(join(dataDir, 'calendars'), { recursive: true });
    writeFileSync(join(dataDir, 'calendars', `${email}.ics`), [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Resolve tests//EN',
      ...blocks.flatMap(([start, end], i) => ['BEGIN:VEVENT', `UID:b${i}@test.example`, 'DTSTAMP:20260201T000000Z', `DTSTART:${start}`, `DTEND:${end}`, 'END:VEVENT']),
      'END:VCALENDAR', '',
    ].join('\r\n'));
  }
  before(async () => {
    const imported = await run('import', SAMPLE);
    assert.equal(imported.code, 0, imported.err);
  });

  it('§8.5, OX-R04: slots --json prints the best times as { start, end } ISO instants, free for the officer and the worker from their .ics files', async () => {
    // LCS-104233's second review is due 2026-05-01; the window opens 2026-03-30 (OX-R08a).
    busy('priya.okonjo@northmoor.example', ['20260329T230000Z', '20260330T230000Z']); // all of Monday 30 March (BST)
    busy('samira.haddad@northmoor.example', ['20260331T080000Z', '20260331T110000Z']); // Tuesday 31 March, 09:00 to 12:00
    const result = await run('slots', 'LCS-104233', '--json');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), [
      { start: '2026-03-31T11:00:00.000Z', end: '2026-03-31T12:30:00.000Z' },
      { start: '2026-03-31T12:30:00.000Z', end: '2026-03-31T14:00:00.000Z' },
      { start: '2026-03-31T14:00:00.000Z', end: '2026-03-31T15:30:00.000Z' },
    ]);
  });

  it('slots without --json is readable lines in UK time, naming no one', async () => {
    const result = await run('slots', 'LCS-104233');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(result.out.split('\n'), [
      'LCS-104233 (looked-after): second review due by 2026-05-01 (OX-R04), latest meeting date 2026-05-01',
      'booking window 2026-03-30 to 2026-05-01; 90-minute meetings, times in UK time',
      '  Tue 31 Mar 2026 12:00-13:30  everyone free',
      '  Tue 31 Mar 2026 13:30-15:00  everyone free',
      '  Tue 31 Mar 2026 15:00-16:30  everyone free',
    ]);
    assert.doesNotMatch(result.out, GUID);
    assert.doesNotMatch(result.out, NAMES);
  });

  it('§8.5: with the required attendees busy throughout, --json prints [] and says why on stderr, naming no one', async () => {
    busy('marcus.oduya@northmoor.example', ['20260301T000000Z', '20261231T000000Z']);
    const result = await run('slots', 'FC-20331', '--json');
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), []);
    assert.match(result.err, /no time before the end of 2026-06-12 has every required attendee free \(1 required attendee busy throughout\)/);
    assert.doesNotMatch(result.err, NAMES);
  });

  it('the kind is found from the reference; an unknown series or the wrong kind exits 1 saying what to check; a bad command line exits 2', async () => {
    const wrong = await run('slots', 'LCS-104233', '--kind', 'foster-carer');
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /no foster-carer review series LCS-104233 in the register/);
    const unknown = await run('slots', 'LCS-000000');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no review series LCS-000000 in the register/);
    for (const argv of [['slots'], ['slots', 'A-1', 'B-2'], ['slots', 'LCS-104233', '--kind', 'adoption']]) {
      const result = await run(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.err, /resolve reviews slots REFERENCE/);
    }
  });

  it('OX-R02, OX-S01: a series whose statutory window has passed gets the soonest times, with its due date and a warning it will count as held late', async () => {
    clock.set('2026-03-20T10:00:00.000Z'); // LCS-104877's initial review was due by 2026-03-16
    try {
      const result = await run('slots', 'LCS-104877', '--json');
      assert.equal(result.code, 0);
      assert.match(result.err, /due by 2026-03-16 \(OX-R02\).*has passed.*will count as held late/);
      const slots = JSON.parse(result.out) as { start: string }[];
      assert.ok(slots.length > 0);
      for (const slot of slots) assert.ok(slot.start > '2026-03-20T10:00' && slot.start < '2026-04-04', `${slot.start}: within the next 10 working days`);
      const text = await run('slots', 'LCS-104877');
      assert.match(text.out, /OVERDUE: the statutory date has passed/);
    } finally {
      clock.set('2026-03-02T10:00:00.000Z');
    }
  });
});

describe('bin/commands: reviews is registered', () => {
  it('resolve help reviews prints its usage', async () => {
    const result = await resolve('help', 'reviews');
    assert.equal(result.code, 0);
    assert.match(result.out, /resolve reviews due \[--within-days N\] \[--json\]/);
    assert.match(result.out, /resolve reviews slots REFERENCE \[--kind looked-after\|foster-carer\] \[--drop-optional\] \[--json\]/);
  });
});
