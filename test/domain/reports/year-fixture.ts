/**
 * The year of the proof (issue 10, Reports; year.test.ts, and the command line's test): fictional
 * events from 1 April 2026 to 31 March 2027 across every shipped ladder (Cheshire East, Dudley,
 * Oxfordshire, Somerset) and every review kind (looked-after initial, placement change, second,
 * subsequent; foster carer first, annual, significant incident), made by the domain's own `decide`,
 * each with the dates worked out by hand beside it.
 *
 * Calendar: England & Wales. Bank holidays in play: Fri 3 Apr and Mon 6 Apr 2026 (Easter), Mon 4 May,
 * Mon 25 May, Mon 31 Aug, Fri 25 Dec, Mon 28 Dec 2026 (Boxing Day substitute), Fri 1 Jan, Fri 26 Mar
 * and Mon 29 Mar 2027. A working day ends 17:00 London: 16:00Z in summer time (to 25 Oct 2026),
 * 17:00Z in winter. "Within N working days of X" ends at the close of the Nth working day after X.
 */
import { deadlineKey } from '../../../domain/escalation/deadlines.js';
import { taskDeadlineKey, type ReviewDueRules } from '../../../domain/reviews/index.js';
import { CaseRun, SeriesRun } from './harness.js';

/** The incident review is one to hold by its date (AMB-11 "hold by"), so it is a review type of its own. */
export const rules: ReviewDueRules = { fosterCarer: { incidentReviewMode: 'hold_by' } };

// ---------------------------------------------------------------------------------------------
// Practice alerts and disputes

export function theCases(): CaseRun[] {
  return [
    // Before the year: raised 25 Mar 2026, so not counted though resolved in April.
    new CaseRun('cheshire_east', 'case-ce0').raise('informal', '2026-03-25T10:00:00Z').respond('2026-03-26T10:00:00Z').resolve('2026-04-02T10:00:00Z'),

    // CE1 good practice, 14 Apr 2026.
    new CaseRun('cheshire_east', 'case-ce1').raise('good_practice', '2026-04-14T10:00:00Z', { category: 'Partnership working' }),
    // CE2 informal, Tue 5 May (after the 4 May bank holiday). Due 5 WD: 6,7,8,11,12 -> 12 May.
    // Resolved Fri 8 May: in timescale; 3 working days (6, 7, 8).
    new CaseRun('cheshire_east', 'case-ce2').raise('informal', '2026-05-05T10:00:00Z', { category: 'No care plan updated / plan not ready for the review' })
      .respond('2026-05-07T10:00:00Z').resolve('2026-05-08T10:00:00Z'),
    // CE3 informal, Thu 21 May. Informal due 5 WD: 22, (25 bank holiday), 26, 27, 28, 29 -> 29 May.
    // Escalated to formal Mon 1 Jun: due 10 WD: 2,3,4,5,8,9,10,11,12,15 -> 15 Jun.
    // Overall limit 20 WD from the informal alert: 22,26,27,28,29 (5), 1-5 Jun (10), 8-12 (15), 15-19 (20) -> 19 Jun.
    // Resolved Tue 23 Jun: after the formal stage's due date (not in timescale) and after the limit (a breach).
    // 21 May -> 23 Jun: 20 working days to 19 Jun, then 22 and 23 -> 22 working days.
    new CaseRun('cheshire_east', 'case-ce3').raise('informal', '2026-05-21T10:00:00Z', { category: 'No updated assessment to inform plans' })
      .escalate('2026-06-01T10:00:00Z').resolve('2026-06-23T10:00:00Z'),
    // CE4 formal, Mon 14 Sep. Overall limit 20 WD: 15-18 (4), 21-25 (9), 28 Sep-2 Oct (14), 5-9 (19), 12 (20) -> 12 Oct.
    // Cafcass may be referred after 15 WD (5 Oct); referred Tue 6 Oct: closed, not resolved; before the limit (no breach).
    new CaseRun('cheshire_east', 'case-ce4').raise('formal', '2026-09-14T10:00:00Z', { category: 'Drift under Section 20' })
      .do({ type: 'refer-to-cafcass', actor: 'aad-priya-okonjo', reason: 'No agreement on the plan after the formal alert.' }, '2026-10-06T10:00:00Z'),
    // CE5 informal, Tue 30 Mar 2027, no category: open at the year's end.
    new CaseRun('cheshire_east', 'case-ce5').raise('informal', '2027-03-30T10:00:00Z'),

    // D1 good practice, 10 Jun, with a category not on Dudley's list: reported as "Other", never as typed.
    new CaseRun('dudley', 'case-d1').raise('good_practice', '2026-06-10T10:00:00Z', { category: 'Excellent support during placement' }),
    // D2 QoP alert, Wed 1 Jul. Due 5 WD: 2,3,6,7,8 -> 8 Jul 17:00 BST. Resolved 8 Jul 10:00Z: in timescale; 5 working days.
    new CaseRun('dudley', 'case-d2').raise('qop', '2026-07-01T10:00:00Z', { category: 'Training has not been provided' })
      .respond('2026-07-03T10:00:00Z').resolve('2026-07-08T10:00:00Z'),
    // D3 DRP at Stage 2, Mon 21 Dec. Due 5 WD: 22,23,24, (25, 28 bank holidays), 29,30 -> 30 Dec.
    // Escalated Thu 31 Dec to Stage 3: due 5 WD: (1 Jan bank holiday), 4,5,6,7,8 -> 8 Jan 2027.
    // Resolved Thu 7 Jan: in timescale. 21 Dec -> 7 Jan: 22,23,24,29,30,31,4,5,6,7 -> 10 working days.
    new CaseRun('dudley', 'case-d3').raise('drp', '2026-12-21T10:00:00Z', { category: 'Concern about the suitability of the placement' })
      .escalate('2026-12-31T10:00:00Z').resolve('2027-01-07T10:00:00Z'),

    // O1 good practice, 20 Apr.
    new CaseRun('oxfordshire', 'case-o1').raise('good_practice', '2026-04-20T10:00:00Z', { category: 'Practice' }),
    // O2 informal, Mon 3 Aug, resolution sought by 14 Aug; withdrawn Mon 10 Aug: closed, not resolved.
    new CaseRun('oxfordshire', 'case-o2').raise('informal', '2026-08-03T10:00:00Z', { category: 'Judgement', resolutionSoughtBy: '2026-08-14' })
      .do({ type: 'withdraw', actor: 'aad-priya-okonjo', reason: 'Resolved in supervision.' }, '2026-08-10T10:00:00Z'),
    // O3 R&E alert at Stage 1, Mon 19 Oct (formal: Stage 1 is formal). Overall limit 20 WD from Stage 1:
    // 20-23 (4), 26-30 (9), 2-6 Nov (14), 9-13 (19), 16 (20) -> 16 Nov 17:00 GMT. Escalated to Stage 2 on 26 Oct;
    // the limit is reached, unanswered, at 17:00Z on 16 Nov (OverallLimitReached): a breach; open at the year's end.
    (() => {
      const run = new CaseRun('oxfordshire', 'case-o3').raise('r_and_e', '2026-10-19T10:00:00Z', { category: 'Clarification of accountability', resolutionSoughtBy: '2026-10-23' })
        .escalate('2026-10-26T10:00:00Z');
      return run.do({ type: 'deadline-reached', actor: 'system', key: deadlineKey.overallLimit() }, '2026-11-16T17:05:00Z');
    })(),

    // S1 informal, Mon 2 Nov. Due up to 10 WD: 3-6 (4), 9-13 (9), 16 (10) -> 16 Nov.
    // Resolved Fri 20 Nov: late. 2 Nov -> 20 Nov: 3-6, 9-13, 16-20 -> 14 working days.
    new CaseRun('somerset', 'case-s1').raise('informal', '2026-11-02T10:00:00Z', { category: 'Statutory requirements for the foster carer(s) not being met' })
      .respond('2026-11-05T10:00:00Z').resolve('2026-11-20T10:00:00Z'),
    // S2 formal issue resolution, Mon 11 Jan 2027. Due 5 WD: 12-15, 18 -> 18 Jan. Resolved Fri 15 Jan: in timescale; 4 working days.
    new CaseRun('somerset', 'case-s2').raise('formal', '2027-01-11T10:00:00Z', { category: 'Issue impacting on an outcome for the child/ren and/or foster carer(s)' })
      .resolve('2027-01-15T10:00:00Z'),
    // S3 formal dispute at Level 1, Mon 1 Feb, no category. Level 1 due 5 WD: 2-5, 8 -> 8 Feb.
    // Escalated Tue 9 Feb to Level 2: due 10,11,12,15,16 -> 16 Feb. Resolved 16 Feb at noon, ON the due day: in timescale.
    // 1 Feb -> 16 Feb: 2-5 (4), 8-12 (9), 15, 16 -> 11 working days.
    new CaseRun('somerset', 'case-s3').raise('dispute', '2027-02-01T10:00:00Z').escalate('2027-02-09T10:00:00Z').resolve('2027-02-16T12:00:00Z'),

    // After the year: 1 Apr 2027, not counted.
    new CaseRun('oxfordshire', 'case-o9').raise('good_practice', '2027-04-01T10:00:00Z'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Reviews

export function theSeries(): SeriesRun[] {
  // Child A: the baseline from the year before is 18 Mar 2026 (its last review then). 18 Mar + 183 days:
  // 31 Mar is +13, 30 Apr +43, 31 May +74, 30 Jun +104, 31 Jul +135, 31 Aug +166, 17 Sep +183 -> due Thu 17 Sep 2026.
  // Held ON 17 Sep: in time. Next due 17 Sep + 183: 30 Sep +13, 31 Oct +44, 30 Nov +74, 31 Dec +105, 31 Jan +136,
  // 28 Feb +164, 19 Mar +183 -> 19 Mar 2027; held 12 Mar 2027 on a booked meeting: in time. One postponement (not >1).
  const a = new SeriesRun('looked-after', 'LAC-A', rules)
    .fact('became-looked-after', '2025-06-02').held('2025-06-27').held('2025-09-19').held('2026-03-18')
    .fact('review-postponed', '2026-09-10')
    .held('2026-09-17', { aged4Plus: true, participated: true })
    .book('2027-03-12T10:00:00Z', '2027-02-15T10:00:00Z')
    .held('2027-03-12', { aged4Plus: true, participated: null });
  // Its follow-up tasks (review Fri 12 Mar 2027; Good Friday 26 Mar and Easter Monday 29 Mar are bank holidays):
  // OX-R12 decisions 5 WD: 15-19 Mar -> 19 Mar; done 18 Mar: on time.
  // OX-R16 team manager 5 WD from receiving them (18 Mar): 19, 22, 23, 24, 25 -> 25 Mar; done 24 Mar: on time.
  // OX-R19 care plan 10 WD: 15-19 (5), 22-25 (9), 30 (10) -> 30 Mar; not done by 31 Mar: late.
  // OX-R13 full record 15 WD: 31 Mar (11), 1, 2, 5, 6 Apr -> 6 Apr; OX-R14 20 WD later still: both still in hand on 31 Mar.
  a.done('OX-R12:held-2027-03-12', '2027-03-18T11:00:00Z').done('OX-R16:held-2027-03-12', '2027-03-24T11:00:00Z');

  // Child B: became looked after Mon 2 Feb 2026; initial review 2 Mar 2026 (the year before). The second review is
  // due within 91 days of it: 31 Mar +29, 30 Apr +59, 31 May +90, 1 Jun +91 -> Mon 1 Jun 2026. Held 12 Jun: late,
  // so B fails C68 for the whole year though its next review (due 12 Jun + 183 = 12 Dec; held 10 Dec) is on time.
  const b = new SeriesRun('looked-after', 'LAC-B', rules)
    .fact('became-looked-after', '2026-02-02').held('2026-03-02')
    .held('2026-06-12', { aged4Plus: true, participated: false, lateReason: 'The social worker was in court on another case.' })
    .held('2026-12-10', { aged4Plus: true, participated: true });

  // Child C, under 4: became looked after Tue 7 Apr 2026 (after Easter Monday). Initial due 20 WD: 8-10 Apr (3),
  // 13-17 (8), 20-24 (13), 27-30 (17), 1 May (18), (4 May bank holiday), 5 May (19), 6 May (20) -> Wed 6 May.
  // Held 7 May: ONE DAY LATE (no reason recorded). Second due 7 May + 91: 31 May +24, 30 Jun +54, 31 Jul +85,
  // 6 Aug +91 -> 6 Aug; held ON 6 Aug: in time. Subsequent due 6 Aug + 183 -> 5 Feb 2027; held 4 Feb: in time.
  const c = new SeriesRun('looked-after', 'LAC-C', rules)
    .fact('became-looked-after', '2026-04-07')
    .held('2026-05-07', { aged4Plus: false, participated: true })
    .held('2026-08-06', { aged4Plus: false, participated: false })
    .held('2027-02-04', { aged4Plus: false, participated: null });

  // Child D: second review 19 Dec 2025, so the next is due 19 Dec + 183 = 20 Jun 2026; a placement change on
  // Tue 14 Apr 2026 brings it forward to 20 WD: 15-17 (3), 20-24 (8), 27-30 (12), 1 May (13), 5-8 (17), 11, 12, 13 -> 13 May.
  // Booked for 12 May, rearranged (child unwell) to 13 May and held ON 13 May: in time. Age not recorded.
  // Postponed twice in the year (1 and 8 May): more than one (O-K04).
  const d = new SeriesRun('looked-after', 'LAC-D', rules)
    .fact('became-looked-after', '2025-09-01').held('2025-09-26').held('2025-12-19')
    .fact('placement-change', '2026-04-14')
    .book('2026-05-12T09:00:00Z', '2026-04-20T10:00:00Z')
    .fact('review-postponed', '2026-05-01').fact('review-postponed', '2026-05-08')
    .rearrange('2026-05-13T09:00:00Z', 'child_unwell_or_commitment', '2026-05-06T10:00:00Z')
    .held('2026-05-13', { aged4Plus: null, participated: null });
  // Its follow-up (review Wed 13 May; 25 May is a bank holiday):
  // OX-R12 5 WD: 14, 15, 18, 19, 20 -> 20 May; done 19 May: on time.
  // OX-R16 5 WD from 19 May: 20, 21, 22, 26, 27 -> 27 May; no response: deemed agreed at 17:00 BST (OX-R17): not in time.
  // OX-R19 10 WD: 14, 15, 18-22, 26, 27, 28 -> 28 May; done 29 May: late.
  // OX-R13 15 WD: 29 May, 1-4 Jun -> 4 Jun; done 3 Jun: on time.
  // OX-R14 20 WD: 5, 8, 9, 10, 11 Jun -> 11 Jun; never done: late.
  d.done('OX-R12:held-2026-05-13', '2026-05-19T11:00:00Z')
    .reached(taskDeadlineKey.deemedAgreed('OX-R16:held-2026-05-13'), '2026-05-27T16:30:00Z')
    .done('OX-R19:held-2026-05-13', '2026-05-29T11:00:00Z')
    .done('OX-R13:held-2026-05-13', '2026-06-03T11:00:00Z');
  // Next due 13 May + 183 = 12 Nov. Booked for 10 Nov, cancelled 2 Nov; held 11 Nov (from the case system): in time.
  d.book('2026-11-10T10:00:00Z', '2026-10-20T10:00:00Z').cancel('2026-11-02T10:00:00Z')
    .held('2026-11-11', { aged4Plus: true, participated: true });

  // Child E left care in February 2026: no review in the year, so not among the children reviewed.
  const e = new SeriesRun('looked-after', 'LAC-E', rules)
    .fact('became-looked-after', '2025-11-03').held('2025-11-28').fact('ceased', '2026-02-27');

  // Carer 1: approved 15 Oct 2025; first review within a year (FC-R01) -> 15 Oct 2026. Booked for 13 Oct,
  // rearranged (officer unavailable) to 15 Oct, held ON 15 Oct: in time.
  // FC-R21 report 20 WD: 16 Oct (1), 19-23 (6), 26-30 (11), 2-6 Nov (16), 9-12 (20) -> 12 Nov; done 10 Nov: on time.
  // FC-R22 copy within 4 weeks: 15 Oct + 28 days = Thu 12 Nov; done 13 Nov: late.
  const fc1 = new SeriesRun('foster-carer', 'FC-1', rules)
    .fact('approved', '2025-10-15')
    .book('2026-10-13T09:00:00Z', '2026-09-21T10:00:00Z')
    .rearrange('2026-10-15T09:00:00Z', 'iro_unavailable', '2026-10-05T10:00:00Z')
    .held('2026-10-15')
    .done('FC-R21:held-2026-10-15', '2026-11-10T11:00:00Z').done('FC-R22:held-2026-10-15', '2026-11-13T11:00:00Z');

  // Carer 2: annual review due a year after 20 Jun 2025 -> 20 Jun 2026; held 19 Jun: in time. A significant incident
  // on Mon 2 Nov: a review within 20 WD (hold by): 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30 (20) -> 30 Nov.
  // Held 1 Dec: a day late, with a reason.
  const fc2 = new SeriesRun('foster-carer', 'FC-2', rules)
    .fact('approved', '2024-07-01').held('2025-06-20').held('2026-06-19')
    .fact('significant-incident', '2026-11-02')
    .held('2026-12-01', { lateReason: 'The carers were unwell.' });

  // Carer 3: first review 9 Mar 2026 (the year before); annual due 9 Mar 2027. Booked for 5 Mar, cancelled 1 Mar;
  // held 16 Mar: late, no reason.
  const fc3 = new SeriesRun('foster-carer', 'FC-3', rules)
    .fact('approved', '2025-03-10').held('2026-03-09')
    .book('2027-03-05T10:00:00Z', '2027-02-10T10:00:00Z').cancel('2027-03-01T10:00:00Z')
    .held('2027-03-16');

  return [a, b, c, d, e, fc1, fc2, fc3];
}
