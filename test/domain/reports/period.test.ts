/** The period a report covers (DOMAIN §5.1: the performance year runs 1 April to 31 March). */
import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../domain/errors.js';
import { inPeriod, monthOf, performanceYear, performanceYearToDate, periodBetween, quarterOf } from '../../../domain/reports/index.js';
import type { LocalDate } from '../../../domain/calendar/index.js';

describe('reports: periods', () => {
  it('KPI-C68: the performance year runs 1 April to 31 March; 31 March belongs to the year before', () => {
    assert.deepEqual(performanceYear('2026-04-01'), { from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
    assert.deepEqual(performanceYear('2027-03-31'), { from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
    assert.deepEqual(performanceYear('2026-03-31'), { from: '2025-04-01', to: '2026-03-31', label: '2025-26' });
    assert.deepEqual(performanceYear('2099-12-31'), { from: '2099-04-01', to: '2100-03-31', label: '2099-00' });
  });

  it('quarters of the performance year: Q1 April to June ... Q4 January to March, labelled with the year', () => {
    assert.deepEqual(quarterOf('2026-04-01'), { from: '2026-04-01', to: '2026-06-30', label: 'Q1 2026-27' });
    assert.deepEqual(quarterOf('2026-09-30'), { from: '2026-07-01', to: '2026-09-30', label: 'Q2 2026-27' });
    assert.deepEqual(quarterOf('2026-12-25'), { from: '2026-10-01', to: '2026-12-31', label: 'Q3 2026-27' });
    assert.deepEqual(quarterOf('2027-02-14'), { from: '2027-01-01', to: '2027-03-31', label: 'Q4 2026-27' });
  });

  it('months, with February in leap years', () => {
    assert.deepEqual(monthOf('2026-04-15'), { from: '2026-04-01', to: '2026-04-30', label: 'April 2026' });
    assert.deepEqual(monthOf('2028-02-01'), { from: '2028-02-01', to: '2028-02-29', label: 'February 2028' });
    assert.deepEqual(monthOf('2027-02-28'), { from: '2027-02-01', to: '2027-02-28', label: 'February 2027' });
  });

  it('any two dates, both inside; a span that is a year, quarter or month is named as one', () => {
    assert.deepEqual(periodBetween('2026-04-10', '2026-05-09'), { from: '2026-04-10', to: '2026-05-09', label: '2026-04-10 to 2026-05-09' });
    assert.deepEqual(periodBetween('2026-06-01', '2026-06-01'), { from: '2026-06-01', to: '2026-06-01', label: '2026-06-01 to 2026-06-01' });
    assert.equal(periodBetween('2026-04-01', '2027-03-31').label, '2026-27');
    assert.equal(periodBetween('2027-01-01', '2027-03-31').label, 'Q4 2026-27');
    assert.equal(periodBetween('2026-11-01', '2026-11-30').label, 'November 2026');
    const p = periodBetween('2026-04-10', '2026-05-09');
    assert.ok(inPeriod(p, '2026-04-10' as LocalDate) && inPeriod(p, '2026-05-09' as LocalDate));
    assert.ok(!inPeriod(p, '2026-04-09' as LocalDate) && !inPeriod(p, '2026-05-10' as LocalDate));
  });

  it('refuses an end before the start, and dates that do not exist, saying which and why', () => {
    assert.throws(() => periodBetween('2026-05-01', '2026-04-30'), (e: unknown) =>
      e instanceof InvalidInputError && e.field === 'to' && /the period ends \(2026-04-30\) before it starts \(2026-05-01\)/.test(e.message));
    assert.throws(() => periodBetween('2026-02-29', '2026-03-31'), (e: unknown) =>
      e instanceof InvalidInputError && e.field === 'from' && /February 2026 has 28 days/.test(e.message));
    assert.throws(() => periodBetween('2026-04-01', '2026-13-01'), (e: unknown) =>
      e instanceof InvalidInputError && e.field === 'to' && /the month must be 01 to 12/.test(e.message));
    assert.throws(() => performanceYear('1 April 2026'), InvalidInputError);
    assert.throws(() => quarterOf('2026-04-31'), /April 2026 has 30 days/);
  });

  it('the performance year to date', () => {
    assert.deepEqual(performanceYearToDate('2026-10-14'), { from: '2026-04-01', to: '2026-10-14', label: '2026-27 to 2026-10-14' });
    assert.deepEqual(performanceYearToDate('2027-01-02'), { from: '2026-04-01', to: '2027-01-02', label: '2026-27 to 2027-01-02' });
  });
});
