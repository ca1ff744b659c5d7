/**
 * THE PROOF (issue 10, Reports): a year of fictional events, 1 April 2026 to 31 March 2027, across
 * every shipped ladder and every review kind (year-fixture.ts, each event with its arithmetic), and
 * every indicator's expected value worked out by hand below, never by asking the code.
 */
import assert from 'node:assert/strict';
import { getPolicy } from '../../../domain/policies/index.js';
import { alertIndicators, performanceYear, reviewIndicators, type AlertIndicators, type ReviewIndicators } from '../../../domain/reports/index.js';
import { calendar } from './harness.js';
import { rules, theCases, theSeries } from './year-fixture.js';

const year = performanceYear('2026-09-01');

describe('reports: a year of alerts across every ladder (issue 10 proof)', () => {
  let report: AlertIndicators;
  before(() => {
    report = alertIndicators(theCases().map((c) => c.events), year, { calendar, policyFor: getPolicy });
  });

  it('counts the 14 cases raised from 1 April 2026 to 31 March 2027, by kind (CE-K15..K17)', () => {
    assert.deepEqual(report.period, { from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
    assert.equal(report.alerts_total, 14);
    // good practice: CE1, D1, O1 = 3. formal: CE4 (dispute), D3 (dispute), O3 (Stage 1 is formal), S2 (Formal Issue
    // Resolution is formal), S3 (dispute) = 5. informal: CE2, CE3, CE5, D2, O2, S1 = 6.
    assert.deepEqual({ ...report.alerts_by_type, by_alert_type: undefined }, { good_practice: 3, informal: 6, formal: 5, by_alert_type: undefined });
  });

  it('counts by alert type label, each named with its authority because four ladders are in the year', () => {
    assert.deepEqual(report.alerts_by_type.by_alert_type, {
      'Cheshire East Council: Formal practice alert': 1,
      'Cheshire East Council: Good practice alert': 1,
      'Cheshire East Council: Informal practice alert': 3,
      'Dudley MBC: Formal Dispute Resolution (DRP)': 1,
      'Dudley MBC: Good or Excellent Practice Notification': 1,
      'Dudley MBC: Quality of Practice Alert': 1,
      'Oxfordshire County Council: Good practice': 1,
      'Oxfordshire County Council: Informal resolution': 1,
      'Oxfordshire County Council: Resolution and Escalation Alert': 1,
      'Somerset Council: Formal Dispute': 1,
      'Somerset Council: Formal Issue Resolution': 1,
      'Somerset Council: Informal Resolution': 1,
    });
  });

  it('counts by the furthest stage reached (D-K01, §5.5)', () => {
    assert.deepEqual(report.alerts_by_stage_reached, {
      'Cheshire East Council: Formal practice alert': 2, // CE3 escalated, CE4 raised there
      'Cheshire East Council: Good practice alert': 1,
      'Cheshire East Council: Informal practice alert': 2, // CE2, CE5
      'Dudley MBC: Good or Excellent Practice Notification': 1,
      'Dudley MBC: Quality of Practice Alert': 1,
      'Dudley MBC: Stage 3 formal dispute resolution': 1,
      'Oxfordshire County Council: Good practice': 1,
      'Oxfordshire County Council: Informal resolution': 1,
      'Oxfordshire County Council: Stage 2': 1,
      'Somerset Council: Formal Dispute (Stage 3): Level 2': 1,
      'Somerset Council: Formal Issue Resolution (Stage 2)': 1,
      'Somerset Council: Informal Resolution (Stage 1)': 1,
    });
  });

  it('shares by theme, of all alerts and of each kind (CE-K19/K20, O-K02)', () => {
    const one = { count: 1, pct: 7.1 }; // 1 / 14 = 7.14%
    assert.deepEqual(report.alert_theme_distribution.all, {
      'Clarification of accountability': one,
      'Concern about the suitability of the placement': one,
      'Drift under Section 20': one,
      'Issue impacting on an outcome for the child/ren and/or foster carer(s)': one,
      Judgement: one,
      'No care plan updated / plan not ready for the review': one,
      'No updated assessment to inform plans': one,
      Other: one, // D1's own words are not reported
      'Partnership working': one,
      Practice: one,
      'Statutory requirements for the foster carer(s) not being met': one,
      'Training has not been provided': one,
      Uncategorised: { count: 2, pct: 14.3 }, // CE5, S3: 2 / 14 = 14.29%
    });
    const sixth = { count: 1, pct: 16.7 }; // of the 6 informal alerts: 1 / 6 = 16.67%
    assert.deepEqual(report.alert_theme_distribution.informal, {
      Judgement: sixth,
      'No care plan updated / plan not ready for the review': sixth,
      'No updated assessment to inform plans': sixth,
      'Statutory requirements for the foster carer(s) not being met': sixth,
      'Training has not been provided': sixth,
      Uncategorised: sixth,
    });
    const fifth = { count: 1, pct: 20 }; // of the 5 formal: 1 / 5
    assert.deepEqual(report.alert_theme_distribution.formal, {
      'Clarification of accountability': fifth,
      'Concern about the suitability of the placement': fifth,
      'Drift under Section 20': fifth,
      'Issue impacting on an outcome for the child/ren and/or foster carer(s)': fifth,
      Uncategorised: fifth,
    });
    const third = { count: 1, pct: 33.3 }; // of the 3 good practice: 1 / 3
    assert.deepEqual(report.alert_theme_distribution.good_practice, { Other: third, 'Partnership working': third, Practice: third });
  });

  it('CE-K16 formal 5 / 14 = 35.7%; CE-K15 good practice 3 / 14 = 21.4%', () => {
    assert.equal(report.formal_alert_pct, 35.7);
    assert.equal(report.good_practice_alert_pct, 21.4);
  });

  it('CE-K18 resolved in timescale: CE2, D2, D3, S2, S3 of the 9 closed = 55.6%', () => {
    // Closed (alerts and disputes): CE2 yes, CE3 no (late), CE4 no (referred), D2 yes, D3 yes, O2 no (withdrawn),
    // S1 no (late), S2 yes, S3 yes (on its due day). Open: CE5, O3. 5 / 9 = 55.56%.
    assert.equal(report.alerts_resolved_in_timescale_pct, 55.6);
  });

  it('overall-limit breaches: CE3 (closed after its limit) and O3 (limit reached); Cafcass referrals: CE4', () => {
    assert.equal(report.overall_limit_breaches, 2);
    assert.equal(report.cafcass_referrals, 1);
  });

  it('time to resolution in working days, bank holidays left out: 3, 4, 5, 10, 11, 14, 22', () => {
    // CE2 3, S2 4, D2 5, D3 10, S3 11, S1 14, CE3 22: median 10, mean 69 / 7 = 9.86, max 22.
    assert.deepEqual(report.time_to_resolution_working_days, { count: 7, median: 10, mean: 9.9, max: 22 });
  });
});

describe('reports: a year of reviews of every kind (issue 10 proof)', () => {
  let report: ReviewIndicators;
  before(() => {
    report = reviewIndicators(theSeries().map((s) => s.events), year, { calendar, rules });
  });

  it('CE-K01: 13 reviews held in the year, 9 of children and 4 of carers, by type', () => {
    assert.deepEqual(report.reviews_held, { looked_after: 9, foster_carer: 4, total: 13 });
    // initial: C 7 May. placement change: D 13 May. second: B 12 Jun, C 6 Aug.
    // subsequent: A 17 Sep, A 12 Mar, B 10 Dec, C 4 Feb, D 11 Nov. first: carer 1. annual: carer 2 Jun, carer 3 Mar.
    // significant incident: carer 2 Dec.
    assert.deepEqual(report.reviews_held_by_type, { initial: 1, placement_change: 1, second: 2, subsequent: 5, first: 1, annual: 2, significant_incident: 1 });
  });

  it('C68 per review: 7 of the 9 children\'s reviews on time (B 12 Jun and C 7 May late) = 77.8%', () => {
    assert.equal(report.reviews_in_timescale_pct, 77.8);
  });

  it('C68 per child: A and D of the 4 children reviewed had no late review = 50.0% (B fails on its baseline, C by a day)', () => {
    assert.equal(report.children_all_reviews_on_time_pct, 50);
  });

  it('C69: of the reviews of children known to be 4 or over with participation known (A Sep, B Jun, B Dec, D Nov), 3 participated = 75.0%', () => {
    // C's three reviews are of an under-4 (left out, and not unknown). Unknown: D 13 May (age not recorded) and
    // A 12 Mar (aged 4+, participation not recorded).
    assert.equal(report.participation_pct_age4plus, 75);
    assert.equal(report.participation_unknown_count, 2);
  });

  it('CE-K07 rearranged: 1 of the 3 children\'s meetings that ended (D May; not D Nov, cancelled; not A Mar) and 1 of the 2 carers\'', () => {
    assert.deepEqual(report.rearranged_pct, { looked_after: 33.3, foster_carer: 50 });
    assert.equal(report.rearranged_by_reason.looked_after.child_unwell_or_commitment, 1);
    assert.equal(Object.values(report.rearranged_by_reason.looked_after).reduce((x, y) => x + y, 0), 1);
    assert.equal(report.rearranged_by_reason.foster_carer.iro_unavailable, 1);
    assert.equal(Object.values(report.rearranged_by_reason.foster_carer).reduce((x, y) => x + y, 0), 1);
    assert.deepEqual(report.cancelled_count, { looked_after: 1, foster_carer: 1 });
  });

  it('O-K04: one child (D) had more than one postponement in the year; A had one', () => {
    assert.equal(report.postponements_gt1_per_child_year, 1);
  });

  it('held late: 2 children\'s reviews (1 with a reason) and 2 carers\' (1 with a reason)', () => {
    assert.deepEqual(report.held_late_with_reason, { looked_after: { held_late: 2, with_reason: 1 }, foster_carer: { held_late: 2, with_reason: 1 } });
  });

  it('OX-R12..R19: the follow-up of the two reviews held on booked meetings (D 13 May, A 12 Mar)', () => {
    assert.equal(report.decisions_circulated_5wd_pct, 100); // D on time, A on time
    assert.equal(report.tm_response_5wd_pct, 50); // D deemed agreed, A on time
    assert.equal(report.care_plan_updated_10wd_pct, 0); // D late, A late
    assert.equal(report.full_record_15wd_pct, 100); // D on time; A's still in hand
    assert.equal(report.distributed_20wd_pct, 0); // D never; A's still in hand
    assert.equal(report.deemed_agreed_count, 1);
  });

  it('FC-R02, FC-R21, FC-R22: carers\' reviews 2 of 4 on time; report 1 of 1; copy 0 of 1', () => {
    assert.equal(report.fhr_on_time_pct, 50);
    assert.equal(report.fhr_report_20wd_pct, 100);
    assert.equal(report.fhr_copy_4wk_pct, 0);
  });
});
