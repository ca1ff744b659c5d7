/** How cards write dates and times: Europe/London, English names, whatever the server's zone (AMB-07). */
import assert from 'node:assert/strict';
import { formatDeadline, formatIsoDate, formatMoment, formatShortDate } from '../../cards/format.js';

describe('cards: dates and times as people in England read them (AMB-07)', () => {
  it('a deadline in winter and in summer, at 17:00 London time', () => {
    assert.equal(formatDeadline(new Date('2026-03-10T17:00:00Z')), '17:00 on Tuesday 10 March 2026');
    assert.equal(formatDeadline(new Date('2026-06-02T16:00:00Z')), '17:00 on Tuesday 2 June 2026');
  });

  it('a moment, and a short date, on the London day (half past midnight in summer is the next day)', () => {
    assert.equal(formatMoment(new Date('2026-06-30T23:30:00Z')), '00:30 on 1 July');
    assert.equal(formatMoment(new Date('2026-12-01T09:05:00Z')), '09:05 on 1 December');
    assert.equal(formatShortDate(new Date('2026-06-30T23:30:00Z')), '1 Jul 2026');
    assert.equal(formatShortDate(new Date('2026-09-14T10:00:00Z')), '14 Sep 2026');
  });

  it('either side of the clocks going forward and back', () => {
    assert.equal(formatMoment(new Date('2026-03-29T00:59:00Z')), '00:59 on 29 March');
    assert.equal(formatMoment(new Date('2026-03-29T01:00:00Z')), '02:00 on 29 March');
    assert.equal(formatMoment(new Date('2026-10-25T00:30:00Z')), '01:30 on 25 October');
    assert.equal(formatMoment(new Date('2026-10-25T01:30:00Z')), '01:30 on 25 October');
  });

  it('a civil date with its weekday; anything that is not a date that exists is shown as given', () => {
    assert.equal(formatIsoDate('2026-02-28'), 'Saturday 28 February 2026');
    assert.equal(formatIsoDate('2028-02-29'), 'Tuesday 29 February 2028');
    assert.equal(formatIsoDate('2026-02-30'), '2026-02-30');
    assert.equal(formatIsoDate('next week'), 'next week');
  });
});
