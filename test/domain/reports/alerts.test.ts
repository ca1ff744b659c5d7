/**
 * The alert indicators one by one (DOMAIN §5.2 CE-K15..K20, §5.7), each named by its DOMAIN id.
 * Every expected figure is counted by hand; dates as in year-fixture.ts (England & Wales bank
 * holidays; a working day ends 17:00 London).
 */
import assert from 'node:assert/strict';
import { deadlineKey, type CaseEvent, type CaseRaised } from '../../../domain/escalation/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { alertIndicators, monthOf, performanceYear, quarterOf, type Period } from '../../../domain/reports/index.js';
import { calendar, CaseRun } from './harness.js';

const year = performanceYear('2026-04-01');
const report = (runs: readonly (CaseRun | readonly CaseEvent[])[], period: Period = year) =>
  alertIndicators(runs.map((r) => (r instanceof CaseRun ? r.events : r)), period, { calendar, policyFor: getPolicy });

let n = 0;
const ce = () => new CaseRun('cheshire_east', `case-unit-${++n}`);

describe('reports: alert indicators', () => {
  // Cheshire East in one year: 2 good practice, 6 informal, 1 formal = 9 alerts.
  const cheshireEast = () => [
    ce().raise('good_practice', '2026-04-14T10:00:00Z', { category: 'Partnership working' }),
    ce().raise('good_practice', '2026-06-01T10:00:00Z'),
    ce().raise('informal', '2026-05-05T10:00:00Z', { category: 'No care plan updated / plan not ready for the review' }),
    ce().raise('informal', '2026-06-02T10:00:00Z', { category: 'No updated assessment to inform plans' }),
    ce().raise('informal', '2026-07-06T10:00:00Z', { category: 'No updated assessment to inform plans' }),
    ce().raise('informal', '2026-09-07T10:00:00Z', { category: 'Drift under Section 20' }),
    ce().raise('informal', '2026-10-05T10:00:00Z', { category: 'Partnership working' }),
    ce().raise('informal', '2026-11-02T10:00:00Z'),
    ce().raise('formal', '2027-01-11T10:00:00Z', { category: 'Disagreement with the plan' }),
  ];

  it('CE-K15: good practice alerts as a share of all alerts: 2 / 9 = 22.2%', () => {
    const r = report(cheshireEast());
    assert.equal(r.good_practice_alert_pct, 22.2);
    assert.equal(r.alerts_by_type.good_practice, 2);
  });

  it('CE-K16, AMB-54: formal alerts as a share of all alerts, good practice included: 1 / 9 = 11.1%', () => {
    assert.equal(report(cheshireEast()).formal_alert_pct, 11.1);
  });

  it('CE-K16: "formal" is how the case was raised: a dispute, or an alert raised at a stage marked formal', () => {
    // An informal alert escalated to the formal stage stays informal in the count, and shows in the stage reached.
    const escalated = ce().raise('informal', '2026-05-21T10:00:00Z').escalate('2026-06-01T10:00:00Z');
    // Oxfordshire's R&E alert is of kind "alert" but starts at Stage 1, which is formal; its informal resolution is not.
    const rAndE = new CaseRun('oxfordshire', 'case-unit-ox1').raise('r_and_e', '2026-10-19T10:00:00Z', { resolutionSoughtBy: '2026-10-23' });
    const oxInformal = new CaseRun('oxfordshire', 'case-unit-ox2').raise('informal', '2026-10-19T10:00:00Z', { resolutionSoughtBy: '2026-10-23' });
    const r = report([escalated, rAndE, oxInformal]);
    assert.deepEqual({ gp: r.alerts_by_type.good_practice, informal: r.alerts_by_type.informal, formal: r.alerts_by_type.formal }, { gp: 0, informal: 2, formal: 1 });
    assert.equal(r.formal_alert_pct, 33.3);
    assert.equal(r.alerts_by_stage_reached['Cheshire East Council: Formal practice alert'], 1);
  });

  it('CE-K17: formal alerts raised, and every type by its label (one ladder: no authority prefix)', () => {
    const r = report(cheshireEast());
    assert.equal(r.alerts_by_type.formal, 1);
    assert.equal(r.alerts_total, 9);
    assert.deepEqual(r.alerts_by_type.by_alert_type, { 'Formal practice alert': 1, 'Good practice alert': 2, 'Informal practice alert': 6 });
    assert.deepEqual(r.alerts_by_stage_reached, { 'Formal practice alert': 1, 'Good practice alert': 2, 'Informal practice alert': 6 });
  });

  it('CE-K19 / CE-K20: themes of the informal alerts: care plan 1 / 6 = 16.7%, assessment 2 / 6 = 33.3%', () => {
    const informal = report(cheshireEast()).alert_theme_distribution.informal;
    assert.deepEqual(informal['No care plan updated / plan not ready for the review'], { count: 1, pct: 16.7 });
    assert.deepEqual(informal['No updated assessment to inform plans'], { count: 2, pct: 33.3 });
    assert.deepEqual(informal.Uncategorised, { count: 1, pct: 16.7 });
    assert.deepEqual(report(cheshireEast()).alert_theme_distribution.all['Partnership working'], { count: 2, pct: 22.2 });
  });

  it('O-K02, D-K01: a theme not on the ladder\'s list reports as "Other", never in the words typed', () => {
    const r = report([new CaseRun('dudley', 'case-unit-d1').raise('good_practice', '2026-06-10T10:00:00Z', { category: 'Mrs Smith went above and beyond' })]);
    assert.deepEqual(r.alert_theme_distribution.all, { Other: { count: 1, pct: 100 } });
    assert.ok(!JSON.stringify(r).includes('Smith'));
  });

  describe('CE-K18: resolved in timescale (resolved by the due date of the stage resolved at ÷ closed)', () => {
    it('resolved at the close of the due day is in time; a minute later is not', () => {
      // Informal raised Tue 5 May 2026: 5 WD 6, 7, 8, 11, 12 -> 12 May, 17:00 BST = 16:00Z.
      const onTheDot = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-05-12T16:00:00Z');
      const minuteLate = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-05-12T16:01:00Z');
      assert.equal(report([onTheDot]).alerts_resolved_in_timescale_pct, 100);
      assert.equal(report([minuteLate]).alerts_resolved_in_timescale_pct, 0);
      assert.equal(report([onTheDot, minuteLate]).alerts_resolved_in_timescale_pct, 50);
    });

    it('measured at the stage it was resolved at, after any new "resolution sought by" date for it (AMB-05)', () => {
      // CE: informal due 29 May passes; escalated 1 Jun to formal, due 10 WD -> 15 Jun; resolved 12 Jun: in time.
      const escalated = ce().raise('informal', '2026-05-21T10:00:00Z').escalate('2026-06-01T10:00:00Z').resolve('2026-06-12T10:00:00Z');
      // Dudley QoP alert, Wed 1 Jul, due 8 Jul; the date sought moved to 15 Jul; resolved 14 Jul: in time.
      const moved = new CaseRun('dudley', 'case-unit-d2').raise('qop', '2026-07-01T10:00:00Z');
      moved.do({ type: 'set-resolution-date', actor: 'aad-priya-okonjo', stageId: 'qop_alert', resolutionSoughtBy: '2026-07-15', reason: 'The team manager is on leave.' }, '2026-07-02T10:00:00Z')
        .resolve('2026-07-14T10:00:00Z');
      assert.equal(report([escalated, moved]).alerts_resolved_in_timescale_pct, 100);
    });

    it('withdrawn and referred cases are closed, never in time; open cases and notifications are not counted', () => {
      const resolved = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-05-06T10:00:00Z');
      const withdrawn = ce().raise('informal', '2026-05-05T10:00:00Z').do({ type: 'withdraw', actor: 'aad-priya-okonjo', reason: 'Raised in error.' }, '2026-05-06T10:00:00Z');
      const open = ce().raise('informal', '2026-05-05T10:00:00Z');
      const referred = ce().raise('formal', '2026-09-14T10:00:00Z').do({ type: 'refer-to-cafcass', actor: 'aad-priya-okonjo', reason: 'No agreement.' }, '2026-10-06T10:00:00Z');
      const notification = ce().raise('good_practice', '2026-05-05T10:00:00Z');
      // resolved in time, of resolved + withdrawn + referred: 1 / 3.
      assert.equal(report([resolved, withdrawn, referred, open, notification]).alerts_resolved_in_timescale_pct, 33.3);
      assert.equal(report([open, notification]).alerts_resolved_in_timescale_pct, null);
    });

    it('where the stage has no due date, the overall limit decides', () => {
      // CE informal raised 5 May: overall limit 20 WD -> 6-8 May (3), 11-15 (8), 18-22 (13), 26-29 (17, 25 May bank holiday), 1-3 Jun (20) -> 3 Jun.
      const events = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-06-02T10:00:00Z').events;
      const raised = events[0] as CaseRaised;
      assert.equal(raised.overallLimitAt, '2026-06-03T16:00:00.000Z');
      const noStageDue: CaseEvent[] = [{ ...raised, stage: { ...raised.stage, responseDueAt: null } }, ...events.slice(1)];
      assert.equal(report([noStageDue]).alerts_resolved_in_timescale_pct, 100);
    });
  });

  it('AMB-01: overall-limit breaches: the limit reached, or closed after it; Cafcass referrals (§2.5)', () => {
    // Oxfordshire R&E from Stage 1, Mon 19 Oct: limit 20 WD -> 16 Nov 17:00 GMT.
    const reached = new CaseRun('oxfordshire', 'case-unit-ox3').raise('r_and_e', '2026-10-19T10:00:00Z', { resolutionSoughtBy: '2026-10-23' })
      .do({ type: 'deadline-reached', actor: 'system', key: deadlineKey.overallLimit() }, '2026-11-16T17:05:00Z');
    // CE informal 5 May: limit 3 Jun; resolved 4 Jun (after it) with no limit event recorded.
    const closedAfter = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-06-04T10:00:00Z');
    const closedBefore = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-06-03T10:00:00Z');
    // CE formal 14 Sep: referral offered from 5 Oct; referred 6 Oct.
    const referred = ce().raise('formal', '2026-09-14T10:00:00Z').do({ type: 'refer-to-cafcass', actor: 'aad-priya-okonjo', reason: 'No agreement.' }, '2026-10-06T10:00:00Z');
    const r = report([reached, closedAfter, closedBefore, referred]);
    assert.equal(r.overall_limit_breaches, 2);
    assert.equal(r.cafcass_referrals, 1);
  });

  it('time to resolution: working days from raise to resolution, bank holidays out; an even count takes the middle two', () => {
    // Dudley DRP Mon 21 Dec 2026, resolved Thu 7 Jan 2027: 22,23,24,(25,28 Dec, 1 Jan out),29,30,31,4,5,6,7 -> 10.
    const christmas = new CaseRun('dudley', 'case-unit-d3').raise('drp', '2026-12-21T10:00:00Z').resolve('2027-01-07T10:00:00Z');
    // CE informal Tue 5 May, resolved Fri 8 May -> 3. Same day -> 0. CE 21 May -> 23 Jun -> 22.
    const three = ce().raise('informal', '2026-05-05T10:00:00Z').resolve('2026-05-08T10:00:00Z');
    const sameDay = ce().raise('informal', '2026-05-05T09:00:00Z').resolve('2026-05-05T15:00:00Z');
    const long = ce().raise('informal', '2026-05-21T10:00:00Z').escalate('2026-06-01T10:00:00Z').resolve('2026-06-23T10:00:00Z');
    // 0, 3, 10, 22: median (3 + 10) / 2 = 6.5, mean 35 / 4 = 8.75 -> 8.8, max 22.
    assert.deepEqual(report([christmas, three, sameDay, long]).time_to_resolution_working_days, { count: 4, median: 6.5, mean: 8.8, max: 22 });
    assert.deepEqual(report([ce().raise('informal', '2026-05-05T10:00:00Z')]).time_to_resolution_working_days, { count: 0, median: null, mean: null, max: null });
  });

  it('counts cases RAISED in the period, by the London date: 00:30 BST on 1 April is in April', () => {
    const justIn = ce().raise('informal', '2026-03-31T23:30:00Z'); // 00:30 BST, 1 April 2026
    const justOut = ce().raise('informal', '2026-03-31T22:30:00Z'); // 23:30 BST, 31 March 2026
    const resolvedInYear = ce().raise('informal', '2026-03-25T10:00:00Z').resolve('2026-04-02T10:00:00Z');
    const r = report([justIn, justOut, resolvedInYear]);
    assert.equal(r.alerts_total, 1);
    assert.equal(report([justIn, justOut, resolvedInYear], performanceYear('2026-03-31')).alerts_total, 2);
  });

  it('quarters and months (D-K01 quarterly, O-K02 monthly)', () => {
    const all = cheshireEast();
    assert.equal(report(all, quarterOf('2026-05-01')).alerts_total, 4); // 14 Apr, 1 Jun, 5 May, 2 Jun
    assert.equal(report(all, quarterOf('2027-01-01')).alerts_total, 1); // 11 Jan
    assert.equal(report(all, monthOf('2026-06-15')).alerts_total, 2); // 1 Jun, 2 Jun
  });

  it('nothing raised: zero counts, empty maps and null percentages', () => {
    const r = report([]);
    assert.equal(r.alerts_total, 0);
    assert.deepEqual(r.alerts_by_type, { good_practice: 0, informal: 0, formal: 0, by_alert_type: {} });
    assert.deepEqual(r.alert_theme_distribution, { all: {}, good_practice: {}, informal: {}, formal: {} });
    assert.equal(r.formal_alert_pct, null);
    assert.equal(r.good_practice_alert_pct, null);
    assert.equal(r.alerts_resolved_in_timescale_pct, null);
  });

  it('a stream that does not start with CaseRaised is not a case and is passed over', () => {
    const r = report([[], [{ type: 'CardPosted' } as unknown as CaseEvent], ce().raise('informal', '2026-05-05T10:00:00Z')]);
    assert.equal(r.alerts_total, 1);
  });

  it('§5.5: the furthest stage reached on the ladder\'s order, a bypass included', () => {
    const bypass = new CaseRun('oxfordshire', 'case-unit-ox4').raise('r_and_e', '2026-10-19T10:00:00Z', {
      entryStageId: 'stage3', resolutionSoughtBy: '2026-10-23', bypass: { reason: 'Placement at risk of breakdown this week.' },
    });
    assert.deepEqual(report([bypass]).alerts_by_stage_reached, { 'Stage 3': 1 });
  });
});
