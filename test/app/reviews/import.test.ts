import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dueReviews } from '../../../app/reviews/due.js';
import {
  importReviewRegister, MAX_SERIES_PER_IMPORT, parseRegisterCsv, personFinder, REGISTER_COLUMNS,
  type FindPerson, type ImportProgress,
} from '../../../app/reviews/import.js';
import { loadReviewSeries } from '../../../app/reviews/model.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { describeOnEngines } from '../../store/engines.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const HEADER = REGISTER_COLUMNS.join(',');
const NOW = new Date('2026-01-06T10:00:00.000Z');
const calendar = createWorkingCalendar();

let findPerson: FindPerson;
before(async () => {
  findPerson = personFinder(await createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE)).people());
});

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('app/reviews/import: reading the case system\'s export', () => {
  it('OX-R06: a date that does not exist is a bad row, at its row and column, with how to fix it', () => {
    const { rows, problems } = parseRegisterCsv(csv('LCS-1,looked-after,became-looked-after,2026-02-30,,,,,'), findPerson);
    assert.deepEqual(rows, []);
    assert.deepEqual(problems, [{ row: 2, column: 'date', problem: 'date "2026-02-30" is not a date: February 2026 has 28 days', fix: 'write a date that exists, as YYYY-MM-DD, e.g. 2026-02-28' }]);
  });

  it('an officer or worker who is not in the directory is a bad row naming the email; a person who is becomes their Entra id', () => {
    const { rows, problems } = parseRegisterCsv(csv(
      'LCS-1,looked-after,became-looked-after,2026-01-05,Priya.Okonjo@northmoor.example,samira.haddad@northmoor.example,,,',
      'LCS-2,looked-after,became-looked-after,2026-01-05,nobody.here@northmoor.example,,,,',
    ), findPerson);
    assert.deepEqual([rows[0]?.entry.officer, rows[0]?.entry.worker], [PRIYA, SAMIRA]);
    assert.deepEqual(problems.map((p) => [p.row, p.column]), [[3, 'officer']]);
    assert.match(problems[0]!.problem, /nobody\.here@northmoor\.example is not a person in the directory/);
  });

  it('every bad row is reported, each bad column of it, in row order; the good rows are read', () => {
    const { rows, problems } = parseRegisterCsv(csv(
      'LCS-1,looked-after,became-looked-after,2026-01-05,,,,,',
      'Jane Doe,lookedafter,held,,,,,maybe,',
      'LCS-1,looked-after,review-held,2026-01-30,,,carer@carers.example;not-an-email,yes,no',
      'LCS-1,looked-after,ceased',
    ), findPerson);
    assert.deepEqual(rows.map((r) => r.row), [2]);
    assert.deepEqual(problems.map((p) => [p.row, p.column]), [
      [3, 'reference'], [3, 'kind'], [3, 'event'], [3, 'date'], [3, 'participated'], [4, 'invitees'], [5, null],
    ]);
    // The reference cell is never repeated back: it may hold a name by mistake.
    assert.ok(problems.every((p) => !p.problem.includes('Jane')));
    assert.ok(problems.every((p) => p.fix.length > 0));
  });

  it('the header row must be exactly the register\'s columns', () => {
    const { problems } = parseRegisterCsv('reference,kind,event,date\nLCS-1,looked-after,became-looked-after,2026-01-05', findPerson);
    assert.deepEqual(problems.map((p) => [p.row, p.column]), [[1, null]]);
    assert.match(problems[0]!.problem, /missing officer, worker, invitees, participated, aged_4_plus/);
    assert.match(problems[0]!.fix, new RegExp(HEADER));
    assert.equal(parseRegisterCsv('', findPerson).problems[0]?.problem, 'the file has no header row');
  });

  it('reads a spreadsheet\'s CSV: a byte-order mark, CRLF line ends, quoted values, blank lines, YES/No in any case', () => {
    const text = `\uFEFF${HEADER}\r\n"LCS-1",Looked-After,became-looked-after,2026-01-05,,,"a@carers.example; b@carers.example",,\r\n\r\nLCS-1,looked-after,review-held,2026-01-30,,,,YES,No\r\n`;
    const { rows, problems } = parseRegisterCsv(text, findPerson);
    assert.deepEqual(problems, []);
    assert.deepEqual(rows.map((r) => [r.row, r.kind, r.event]), [[2, 'looked-after', 'became-looked-after'], [4, 'looked-after', 'review-held']]);
    assert.deepEqual(rows[0]?.entry.invitees, ['a@carers.example', 'b@carers.example']);
    assert.deepEqual(rows[1]?.entry.fact, { event: 'review-held', date: '2026-01-30', participated: true, aged4Plus: false });
  });

  it('a quote never closed is reported at its row', () => {
    const { problems } = parseRegisterCsv(csv('LCS-1,looked-after,became-looked-after,2026-01-05,,,,,', 'LCS-1,"looked-after,review-held,2026-01-30,,,,,'), findPerson);
    assert.deepEqual(problems.map((p) => [p.row, p.column]), [[3, null]]);
    assert.match(problems[0]!.problem, /never closed/);
  });
});

describeOnEngines('app/reviews/import: importing the export into the register', (ctx) => {
  const settings = { calendar, now: NOW };
  const prefix = () => `I${randomUUID().slice(0, 8)}`;
  const eventCount = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;

  function goodFile(p: string): string {
    return csv(
      `${p}-1,looked-after,became-looked-after,2026-01-05,priya.okonjo@northmoor.example,samira.haddad@northmoor.example,carer@carers.example,,`,
      `${p}-1,looked-after,review-held,2026-01-30,priya.okonjo@northmoor.example,samira.haddad@northmoor.example,,yes,yes`,
      `${p}-2,foster-carer,approved,2025-06-12,marcus.oduya@northmoor.example,niamh.delaney@northmoor.example,,,`,
      // Out of date order in the file: the register keeps them in date order.
      `${p}-3,looked-after,placement-change,2025-11-03,priya.okonjo@northmoor.example,joel.whitcombe@northmoor.example,,,`,
      `${p}-3,looked-after,became-looked-after,2025-09-15,priya.okonjo@northmoor.example,joel.whitcombe@northmoor.example,,,`,
      `${p}-3,looked-after,review-held,2025-10-10,priya.okonjo@northmoor.example,joel.whitcombe@northmoor.example,,no,no`,
    );
  }

  it('OX-R02, FC-R01: a good file is imported whole and its reviews fall due by the rules', async () => {
    const p = prefix();
    const result = await importReviewRegister(ctx.db, parseRegisterCsv(goodFile(p), findPerson), settings);
    assert.ok(result.ok);
    assert.deepEqual(result.summary, { dryRun: false, rows: 6, series: 3, newSeries: 3, changedSeries: 0, unchangedSeries: 0, newEvents: result.summary.newEvents });
    const due = (await dueReviews(ctx.db, { now: NOW })).filter((r) => r.reference.startsWith(p));
    assert.deepEqual(due.map((r) => [r.reference, r.review, r.due, r.rule]), [
      [`${p}-3`, 'placement-change', '2025-12-01', 'OX-R03'],
      [`${p}-1`, 'second', '2026-05-01', 'OX-R04'],
      [`${p}-2`, 'first', '2026-06-12', 'FC-R01'],
    ]);
    const { state } = await loadReviewSeries(ctx.db, 'looked-after', `${p}-1`);
    assert.deepEqual([state?.officer, state?.worker, state?.invitees], [PRIYA, SAMIRA, ['carer@carers.example']]);
    // The officer repeated on every row is one assignment.
    assert.equal(state?.officers.length, 1);
  });

  it('importing the same file again changes nothing: 0 new events, the event store as it was', async () => {
    const p = prefix();
    const parsed = parseRegisterCsv(goodFile(p), findPerson);
    const first = await importReviewRegister(ctx.db, parsed, settings);
    assert.ok(first.ok && first.summary.newEvents > 0);
    const before = await eventCount();
    const again = await importReviewRegister(ctx.db, parsed, { ...settings, now: new Date('2026-02-01T09:00:00Z') });
    assert.ok(again.ok);
    assert.deepEqual(again.summary, { dryRun: false, rows: 6, series: 3, newSeries: 0, changedSeries: 0, unchangedSeries: 3, newEvents: 0 });
    assert.equal(await eventCount(), before);
  });

  it('a file with any bad row writes nothing and reports every bad row: the file\'s faults and the review rules\' together', async () => {
    const p = prefix();
    const before = await eventCount();
    const parsed = parseRegisterCsv(csv(
      `${p}-1,looked-after,became-looked-after,2026-01-05,priya.okonjo@northmoor.example,,,,`, // good
      `${p}-1,looked-after,review-held,2026-02-30,,,,,`, // no such date
      `${p}-2,looked-after,review-held,2026-01-30,,,,,`, // no became-looked-after for it
      `${p}-3,looked-after,became-looked-after,2026-01-05,unknown.person@northmoor.example,,,,`, // not in the directory
      `${p}-4,foster-carer,approved,2025-06-12,,,,,`, // good
      `${p}-4,foster-carer,review-adjourned,2025-12-01,,,,,`, // OX-S15: not for a foster home review
      `${p}-5,looked-after,became-looked-after,2026-01-05,,,,,`, // good
      `${p}-5,looked-after,placement-change,2025-12-01,,,,,`, // before the child became looked after
      `${p}-5,looked-after,review-held,2026-01-30,,,,yes,`,
      `${p}-5,looked-after,review-held,2026-01-30,,,,no,`, // contradicts the row before
    ), findPerson);
    const result = await importReviewRegister(ctx.db, parsed, settings);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map((p) => [p.row, p.column]), [
      [3, 'date'], [4, 'event'], [5, 'officer'], [7, 'event'], [9, 'date'], [11, 'participated'],
    ]);
    assert.ok(!result.ok && result.problems.every((x) => x.problem !== '' && x.fix !== ''));
    assert.equal(await eventCount(), before);
    for (const n of ['1', '4', '5']) assert.equal((await loadReviewSeries(ctx.db, n === '4' ? 'foster-carer' : 'looked-after', `${p}-${n}`)).version, 0);
    assert.deepEqual(await ctx.db.query(`SELECT reference FROM review_due WHERE reference LIKE $1`, [`${p}-%`]), []);
  });

  it('a dry run checks and counts, and writes nothing', async () => {
    const p = prefix();
    const before = await eventCount();
    const result = await importReviewRegister(ctx.db, parseRegisterCsv(goodFile(p), findPerson), { ...settings, dryRun: true });
    assert.ok(result.ok);
    assert.deepEqual([result.summary.dryRun, result.summary.newSeries, result.summary.newEvents > 0], [true, 3, true]);
    assert.equal(await eventCount(), before);
  });

  it('a large file reports its progress, checking and then writing, series by series', async () => {
    const p = prefix();
    const rows = Array.from({ length: 300 }, (_, i) => `${p}-${i},looked-after,became-looked-after,2026-01-05,,,,,`);
    const seen: ImportProgress[] = [];
    const result = await importReviewRegister(ctx.db, parseRegisterCsv(csv(...rows), findPerson), { ...settings, onProgress: (x) => seen.push(x) });
    assert.ok(result.ok && result.summary.newSeries === 300);
    assert.deepEqual(seen.at(-1), { phase: 'writing', done: 300, total: 300 });
    assert.equal(seen.filter((x) => x.phase === 'checking').length, 300);
  });

  it(`a file of more than ${MAX_SERIES_PER_IMPORT} series is refused before anything is read from the register, saying to split it`, async () => {
    const rows = Array.from({ length: MAX_SERIES_PER_IMPORT + 1 }, (_, i) => `BIG-${i},looked-after,became-looked-after,2026-01-05,,,,,`);
    await assert.rejects(importReviewRegister(ctx.db, parseRegisterCsv(csv(...rows), findPerson), settings),
      (e: unknown) => e instanceof InvalidInputError && /split it/.test(e.message));
  });
});
