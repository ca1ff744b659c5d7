import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  nextFosterCarerReview, type FosterCarerReviewInput, type FosterCarerReviewOptions,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const next = (input: FosterCarerReviewInput, options: Omit<FosterCarerReviewOptions, 'calendar'> = {}) =>
  nextFosterCarerReview(input, { calendar, ...options });

describe('domain/reviews: next foster carer review', () => {
  describe('first review (AMB-38)', () => {
    it('FC-R01: by default the first review is due not more than a year after approval', () => {
      const r = next({ approved: '2025-06-10' });
      assert.equal(r.review, 'first');
      assert.equal(r.rule, 'FC-R01');
      assert.equal(r.due, '2026-06-10');
      assert.equal(r.latestMeetingDate, '2026-06-10');
      assert.deepEqual(r.anchor, { event: 'approval', date: '2025-06-10' });
      assert.deepEqual(r.offset, { amount: 1, unit: 'years' });
    });

    it('FC-R01: a carer approved on 29 February 2024 is due by 28 February 2025', () => {
      assert.equal(next({ approved: '2024-02-29' }).due, '2025-02-28');
    });

    it('FC-R03: Dudley holds the first review 6 months after approval (31 Aug -> 28 Feb, a Saturday, so Friday 27 Feb)', () => {
      const r = next({ approved: '2025-08-31' }, { firstReviewRule: 'local_6m' });
      assert.equal(r.rule, 'FC-R03');
      assert.equal(r.due, '2026-02-28');
      assert.equal(r.latestMeetingDate, '2026-02-27');
      assert.deepEqual(r.offset, { amount: 6, unit: 'months' });
      assert.deepEqual(r.related, [{ rule: 'FC-R01', date: '2026-08-31', label: 'statutory limit for the first review' }]);
    });

    it('FC-R04: best practice is 6 months after the first placement when that is sooner than 11 months after approval', () => {
      // placement 1 Jul 2025 + 6 months = 1 Jan 2026 (New Year's Day); approval 10 Jun 2025 + 11 months = 10 May 2026.
      const r = next({ approved: '2025-06-10', firstPlacement: '2025-07-01' }, { firstReviewRule: 'best_practice_min' });
      assert.equal(r.rule, 'FC-R04');
      assert.equal(r.due, '2026-01-01');
      assert.equal(r.latestMeetingDate, '2025-12-31');
      assert.deepEqual(r.anchor, { event: 'first-placement', date: '2025-07-01' });
    });

    it('FC-R04: best practice is 11 months after approval when the first placement came late', () => {
      const r = next({ approved: '2025-06-10', firstPlacement: '2026-01-15' }, { firstReviewRule: 'best_practice_min' });
      assert.equal(r.due, '2026-05-10');
      assert.deepEqual(r.anchor, { event: 'approval', date: '2025-06-10' });
      assert.deepEqual(r.offset, { amount: 11, unit: 'months' });
    });

    it('FC-R04: the best-practice rule refuses to guess without the first placement date', () => {
      assert.throws(() => next({ approved: '2025-06-10' }, { firstReviewRule: 'best_practice_min' }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'firstPlacement' && /first child was placed/.test(e.message));
    });
  });

  describe('later reviews', () => {
    it('FC-R02: each later review is due not more than a year after the previous one', () => {
      const r = next({ approved: '2024-06-10', held: ['2024-12-10', '2025-11-20'] }, { firstReviewRule: 'local_6m' });
      assert.equal(r.review, 'annual');
      assert.equal(r.rule, 'FC-R02');
      assert.equal(r.due, '2026-11-20');
      assert.deepEqual(r.anchor, { event: 'previous-review', date: '2025-11-20' });
    });

    it('FC-R02: a year after a review on Thu 3 Apr 2025 is Good Friday 2026, so the meeting is by Thursday 2 Apr', () => {
      const r = next({ approved: '2024-06-10', held: ['2025-04-03'] });
      assert.equal(r.due, '2026-04-03');
      assert.equal(r.latestMeetingDate, '2026-04-02');
      assert.match(r.explanation, /Good Friday/);
    });
  });

  describe('FC-R06 significant incident (AMB-11)', () => {
    it('FC-R06 decide_by (default): the annual review stays due and the 20-working-day decision is listed with FC-R07', () => {
      const r = next({ approved: '2024-06-10', held: ['2025-06-01'], concernRaised: '2026-03-02' });
      assert.equal(r.rule, 'FC-R02');
      // Mon 2 Mar 2026 + 20 working days = Mon 30 Mar.
      assert.deepEqual(r.related.map((x) => [x.rule, x.date]), [['FC-R06', '2026-03-30'], ['FC-R07', '2026-03-30']]);
    });

    it('FC-R06 hold_by: the review after the concern is due within 20 working days, skipping Easter', () => {
      // Mon 23 Mar 2026: 24-27 Mar days 1-4, 30 Mar-2 Apr days 5-8, Good Friday and Easter Monday skipped,
      // 7-10 Apr days 9-12, 13-17 Apr 13-17, 20-22 Apr 18-20.
      const r = next({ approved: '2024-06-10', held: ['2025-06-01'], concernRaised: '2026-03-23' }, { incidentReviewMode: 'hold_by' });
      assert.equal(r.review, 'significant-incident');
      assert.equal(r.rule, 'FC-R06');
      assert.equal(r.due, '2026-04-22');
      assert.equal(r.related[0]?.rule, 'FC-R02');
    });

    it('FC-R06: a review already held since the concern covers it', () => {
      const r = next({ approved: '2024-06-10', held: ['2025-06-01', '2026-03-10'], concernRaised: '2026-03-02' }, { incidentReviewMode: 'hold_by' });
      assert.equal(r.rule, 'FC-R02');
      assert.deepEqual(r.related, []);
    });
  });

  describe('impossible input is refused', () => {
    it('refuses a held review before approval', () => {
      assert.throws(() => next({ approved: '2025-06-10', held: ['2025-05-01'] }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'held' && /before the approval date/.test(e.message));
    });

    it('refuses a first placement before approval', () => {
      assert.throws(() => next({ approved: '2025-06-10', firstPlacement: '2025-06-01' }, { firstReviewRule: 'best_practice_min' }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'firstPlacement');
    });

    it('refuses an approval date that does not exist', () => {
      assert.throws(() => next({ approved: '2025-02-29' }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'approved' && /February 2025 has 28 days/.test(e.message));
    });

    it('refuses unsorted held reviews', () => {
      assert.throws(() => next({ approved: '2024-01-10', held: ['2025-06-01', '2024-12-01'] }),
        (e: unknown) => e instanceof InvalidInputError && /date order/.test(e.message));
    });
  });
});
