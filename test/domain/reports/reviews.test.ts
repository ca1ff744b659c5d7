/**
 * The review indicators one by one (DOMAIN §5.1 C68 / C69, §5.2 CE-K07 / K09, §5.4 O-K04, §4.5
 * OX-R12..R19, §4.6 FC-R02 / R03 / R21 / R22), each named by its DOMAIN id. Every expected figure is
 * counted by hand (England & Wales bank holidays; the review day is day 0; a working day ends 17:00 London).
 */
import assert from 'node:assert/strict';
import type { LocalDate } from '../../../domain/calendar/index.js';
import { performanceYear, quarterOf, reviewIndicators, type Period } from '../../../domain/reports/index.js';
import { reviewDueRulesFor, taskDeadlineKey, type ReviewDueRules } from '../../../domain/reviews/index.js';
import { calendar, SeriesRun } from './harness.js';

const year = performanceYear('2026-04-01');
const q1 = quarterOf('2026-04-01');
const report = (runs: readonly SeriesRun[], period: Period = year, more: { rules?: ReviewDueRules; asOf?: string } = {}) =>
  reviewIndicators(runs.map((r) => r.events), period, {
    calendar, ...(more.rules !== undefined && { rules: more.rules }), ...(more.asOf !== undefined && { asOf: more.asOf as LocalDate }),
  });

let n = 0;
/** A child who became looked after on Tue 7 Apr 2026 (after Easter Monday): the initial review is due 20 WD later, Wed 6 May
 * (8-10 Apr (3), 13-17 (8), 20-24 (13), 27-30 (17), 1 May (18), 4 May bank holiday, 5 May (19), 6 May (20)). */
const child = () => new SeriesRun('looked-after', `LAC-U${++n}`).fact('became-looked-after', '2026-04-07');
const carer = () => new SeriesRun('foster-carer', `FC-U${++n}`).fact('approved', '2025-10-15');

describe('reports: review indicators', () => {
  describe('C68 per review (reviews_in_timescale_pct, CE-K06)', () => {
    it('a review held ON its due date is in time; the day after is late', () => {
      const onTheDay = child().held('2026-05-06');
      const dayLate = child().held('2026-05-07');
      assert.equal(report([onTheDay]).reviews_in_timescale_pct, 100);
      assert.equal(report([dayLate]).reviews_in_timescale_pct, 0);
      assert.equal(report([onTheDay, dayLate]).reviews_in_timescale_pct, 50);
    });

    it('KPI-C68 baseline: the first review of the year is measured from the last review of the year before', () => {
      // Last review of 2025-26 on 18 Mar 2026: the next is due 183 days later, 17 Sep 2026; held 18 Sep: late.
      // Then due 18 Sep + 183 = 20 Mar 2027; held 12 Mar: in time.
      const baseline = new SeriesRun('looked-after', 'LAC-BASE').fact('became-looked-after', '2025-06-02')
        .held('2025-06-27').held('2025-09-19').held('2026-03-18').held('2026-09-18').held('2027-03-12');
      const r = report([baseline]);
      assert.equal(r.reviews_held.looked_after, 2);
      assert.equal(r.reviews_in_timescale_pct, 50);
      assert.equal(r.children_all_reviews_on_time_pct, 0);
      // 2025-26 on its own: 27 Jun (initial, due 30 Jun), 19 Sep (second, due 26 Sep), 18 Mar (due 21 Mar): all in time.
      assert.equal(report([baseline], performanceYear('2025-06-01')).reviews_in_timescale_pct, 100);
    });

    it('counts children\'s reviews only: a carers\' review is FC-R02', () => {
      const r = report([carer().held('2026-10-15')]);
      assert.equal(r.reviews_in_timescale_pct, null);
      assert.equal(r.fhr_on_time_pct, 100);
    });
  });

  describe('C68 per child (children_all_reviews_on_time_pct, AMB-51)', () => {
    it('one late review fails the child for the year, even if later ones are on time', () => {
      // Initial 7 May (a day late); second due 7 May + 91 = 6 Aug, held 6 Aug; third due 6 Aug + 183 = 5 Feb 2027, held 4 Feb.
      const failed = child().held('2026-05-07').held('2026-08-06').held('2027-02-04');
      const passed = child().held('2026-05-06');
      assert.equal(report([failed, passed]).reviews_in_timescale_pct, 75);
      assert.equal(report([failed, passed]).children_all_reviews_on_time_pct, 50);
      // In Q2 alone the child's only review (6 Aug) was on time.
      assert.equal(report([failed], quarterOf('2026-08-01')).children_all_reviews_on_time_pct, 100);
    });

    it('a child with no review held in the period is not among the children reviewed', () => {
      const left = new SeriesRun('looked-after', 'LAC-LEFT').fact('became-looked-after', '2025-11-03').held('2025-11-28').fact('ceased', '2026-02-27');
      assert.equal(report([left]).children_all_reviews_on_time_pct, null);
      assert.equal(report([left, child().held('2026-05-06')]).children_all_reviews_on_time_pct, 100);
    });
  });

  it('C69: participation of children aged 4 and over; under-4s left out; unknowns counted apart', () => {
    const r = report([
      child().held('2026-05-06', { aged4Plus: true, participated: true }),
      child().held('2026-05-06', { aged4Plus: true, participated: false }),
      child().held('2026-05-06', { aged4Plus: false, participated: true }), // under 4: out
      child().held('2026-05-06', { aged4Plus: false, participated: null }), // under 4: out, not unknown
      child().held('2026-05-06', { aged4Plus: null, participated: true }), // age unknown
      child().held('2026-05-06', { aged4Plus: true, participated: null }), // participation unknown
    ]);
    assert.equal(r.participation_pct_age4plus, 50); // 1 of the 2
    assert.equal(r.participation_unknown_count, 2);
    assert.equal(report([child().held('2026-05-06', { aged4Plus: false, participated: true })]).participation_pct_age4plus, null);
  });

  describe('CE-K07 rearranged and CE-K09 cancelled', () => {
    // Booked 28 Apr; moved to 29 Apr (child or carer), then to 5 May (social worker in court); held 5 May.
    const movedTwice = () => child().book('2026-04-28T09:00:00Z', '2026-04-10T10:00:00Z')
      .rearrange('2026-04-29T09:00:00Z', 'child_or_carer_request', '2026-04-15T10:00:00Z')
      .rearrange('2026-05-05T09:00:00Z', 'social_worker_in_court', '2026-04-20T10:00:00Z')
      .held('2026-05-05');
    it('a meeting moved twice is one rearranged meeting and two rearrangements, by reason code', () => {
      const r = report([movedTwice()], q1);
      assert.equal(r.rearranged_pct.looked_after, 100);
      assert.equal(r.rearranged_by_reason.looked_after.child_or_carer_request, 1);
      assert.equal(r.rearranged_by_reason.looked_after.social_worker_in_court, 1);
      assert.equal(r.rearranged_by_reason.looked_after.other, 0);
      assert.equal(r.rearranged_pct.foster_carer, null);
    });

    it('counts meetings booked in Resolve that ended in the period: held or cancelled; a meeting still booked waits', () => {
      const stillBooked = child().book('2026-05-01T09:00:00Z', '2026-04-10T10:00:00Z');
      const cancelled = child().book('2026-05-01T09:00:00Z', '2026-04-10T10:00:00Z').cancel('2026-04-30T10:00:00Z');
      const fromTheExport = child().held('2026-05-06');
      const r = report([movedTwice(), stillBooked, cancelled, fromTheExport], q1);
      assert.equal(r.rearranged_pct.looked_after, 50); // movedTwice of movedTwice + cancelled
      assert.deepEqual(r.cancelled_count, { looked_after: 1, foster_carer: 0 });
      assert.equal(report([movedTwice()], quarterOf('2026-07-01')).rearranged_pct.looked_after, null); // it ended in Q1
      assert.equal(report([fromTheExport], q1).rearranged_pct.looked_after, null);
    });

    it('a booking whose meeting Outlook never made is no meeting: it is neither rearranged nor cancelled, and the booking made after it is the one counted', () => {
      const failedThenCancelled = child().book('2026-05-01T09:00:00Z', '2026-04-10T10:00:00Z').bookingFailed('2026-05-01T09:00:00Z', '2026-04-10T10:05:00Z')
        .book('2026-05-04T09:00:00Z', '2026-04-11T10:00:00Z').cancel('2026-04-30T10:00:00Z');
      const r = report([movedTwice(), failedThenCancelled], q1);
      assert.deepEqual(r.cancelled_count, { looked_after: 1, foster_carer: 0 });
      assert.equal(r.rearranged_pct.looked_after, 50); // movedTwice of movedTwice + the cancelled second booking
      const failedOnly = child().book('2026-05-01T09:00:00Z', '2026-04-10T10:00:00Z').bookingFailed('2026-05-01T09:00:00Z', '2026-04-10T10:05:00Z');
      assert.equal(report([movedTwice(), failedOnly], q1).rearranged_pct.looked_after, 100, 'the failed booking is not a meeting waiting to end');
    });
  });

  it('O-K04, AMB-44: children with more than one postponement in the period; postponements either side of 1 April do not add up', () => {
    const straddling = new SeriesRun('looked-after', 'LAC-P1').fact('became-looked-after', '2025-09-01')
      .fact('review-postponed', '2026-03-20').fact('review-postponed', '2026-04-10');
    const twice = new SeriesRun('looked-after', 'LAC-P2').fact('became-looked-after', '2025-09-01')
      .fact('review-postponed', '2026-04-10').fact('review-postponed', '2026-06-10');
    assert.equal(report([straddling, twice]).postponements_gt1_per_child_year, 1);
    assert.equal(report([straddling, twice], performanceYear('2026-03-01')).postponements_gt1_per_child_year, 0);
    assert.equal(report([twice], quarterOf('2026-04-01')).postponements_gt1_per_child_year, 1);
  });

  it('OX-S01: reviews held late, and how many have a reason; the reason itself is never reported', () => {
    const r = report([
      child().held('2026-05-07', { lateReason: 'The IRO was taken ill on the day.' }),
      child().held('2026-05-08'),
      child().held('2026-05-06'),
    ]);
    assert.deepEqual(r.held_late_with_reason.looked_after, { held_late: 2, with_reason: 1 });
    assert.ok(!JSON.stringify(r).includes('taken ill'));
  });

  describe('OX-R12..R19: the follow-up of a review held on a booked meeting', () => {
    // Booked for and held on Wed 6 May 2026 (16:00Z is 17:00 BST, the close of a working day).
    const heldOnBooking = () => child().book('2026-05-06T09:00:00Z', '2026-04-10T10:00:00Z').held('2026-05-06');
    const task = (rule: string) => `${rule}:held-2026-05-06`;

    it('OX-R12: done on the due day is in time, the day after is late, not yet due is not counted', () => {
      // 5 WD: 7, 8, 11, 12, 13 -> 13 May.
      assert.equal(report([heldOnBooking().done(task('OX-R12'), '2026-05-13T15:00:00Z')], q1).decisions_circulated_5wd_pct, 100);
      assert.equal(report([heldOnBooking().done(task('OX-R12'), '2026-05-14T09:00:00Z')], q1).decisions_circulated_5wd_pct, 0);
      const notDone = heldOnBooking();
      assert.equal(report([notDone], q1, { asOf: '2026-05-13' }).decisions_circulated_5wd_pct, null); // still in hand on its due day
      assert.equal(report([notDone], q1, { asOf: '2026-05-14' }).decisions_circulated_5wd_pct, 0);
      assert.equal(report([notDone], q1).decisions_circulated_5wd_pct, 0); // as at 30 June
      // OX-R16 waits for the decisions to be circulated: not counted either way.
      assert.equal(report([notDone], q1).tm_response_5wd_pct, null);
    });

    it('OX-R16 / OX-R17 deemed agreed, OX-R19, OX-R13, OX-R14 (25 May is a bank holiday)', () => {
      const run = heldOnBooking()
        .done(task('OX-R12'), '2026-05-13T15:00:00Z') // received 13 May: OX-R16 due 14, 15, 18, 19, 20 -> 20 May
        .reached(taskDeadlineKey.deemedAgreed(task('OX-R16')), '2026-05-20T16:30:00Z') // no response: deemed agreed
        .done(task('OX-R19'), '2026-05-20T12:00:00Z') // 10 WD: 7-8, 11-15, 18-20 -> 20 May: in time
        .done(task('OX-R13'), '2026-05-29T12:00:00Z') // 15 WD: 21, 22, 26, 27, 28 -> 28 May: late
        .done(task('OX-R14'), '2026-06-04T12:00:00Z'); // 20 WD: 29 May, 1-4 Jun -> 4 Jun: in time
      const r = report([run], q1);
      assert.equal(r.decisions_circulated_5wd_pct, 100);
      assert.equal(r.tm_response_5wd_pct, 0);
      assert.equal(r.deemed_agreed_count, 1);
      assert.equal(r.care_plan_updated_10wd_pct, 100);
      assert.equal(r.full_record_15wd_pct, 0);
      assert.equal(r.distributed_20wd_pct, 100);
      assert.equal(report([run], quarterOf('2026-07-01')).deemed_agreed_count, 0); // the review was held in Q1
    });

    it('reviews recorded from the case system without a booking have no tasks: nothing to count', () => {
      const r = report([child().held('2026-05-06')], q1);
      assert.deepEqual([r.decisions_circulated_5wd_pct, r.tm_response_5wd_pct, r.care_plan_updated_10wd_pct, r.full_record_15wd_pct, r.distributed_20wd_pct],
        [null, null, null, null, null]);
    });
  });

  describe('foster carers', () => {
    it('FC-R02 / FC-R03: each review against the rule in force: statutory a year, Dudley\'s first at 6 months', () => {
      // Approved 15 Oct 2025, first review 15 Oct 2026: on the statutory date; Dudley's was due 15 Apr 2026.
      const held = carer().held('2026-10-15');
      assert.equal(report([held]).fhr_on_time_pct, 100);
      assert.equal(report([held], year, { rules: reviewDueRulesFor('dudley') }).fhr_on_time_pct, 0);
      assert.deepEqual(report([held]).reviews_held_by_type, { initial: 0, placement_change: 0, second: 0, subsequent: 0, first: 1, annual: 0, significant_incident: 0 });
    });

    it('FC-R21 report within 20 WD, FC-R22 copy within 4 weeks', () => {
      // Held Thu 15 Oct 2026. FC-R21: 16, 19-23, 26-30, 2-6 Nov, 9-12 -> 12 Nov. FC-R22: 15 Oct + 28 days = 12 Nov.
      const booked = () => carer().book('2026-10-15T09:00:00Z', '2026-09-21T10:00:00Z').held('2026-10-15');
      const onTime = booked().done('FC-R21:held-2026-10-15', '2026-11-12T16:00:00Z').done('FC-R22:held-2026-10-15', '2026-11-12T10:00:00Z');
      const copyLate = booked().done('FC-R21:held-2026-10-15', '2026-11-02T10:00:00Z').done('FC-R22:held-2026-10-15', '2026-11-13T10:00:00Z');
      const r = report([onTime, copyLate]);
      assert.equal(r.fhr_report_20wd_pct, 100);
      assert.equal(r.fhr_copy_4wk_pct, 50);
      assert.equal(r.decisions_circulated_5wd_pct, null); // a children's rule
    });
  });

  it('nothing held: zero counts and null percentages', () => {
    const r = report([]);
    assert.deepEqual(r.reviews_held, { looked_after: 0, foster_carer: 0, total: 0 });
    assert.equal(r.reviews_in_timescale_pct, null);
    assert.equal(r.children_all_reviews_on_time_pct, null);
    assert.equal(r.participation_pct_age4plus, null);
    assert.equal(r.fhr_on_time_pct, null);
  });
});
