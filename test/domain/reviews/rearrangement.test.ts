import assert from 'node:assert/strict';
import { createWorkingCalendar, parseLocalDate } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  adjournReview, postponementWindow, rearrangeReview,
  type Postponement, type RearrangeContext, type RearrangeRequest, type ScheduledReview,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const d = parseLocalDate;
const review = (scheduled: string, due: string, kind: ScheduledReview['kind'] = 'looked-after'): ScheduledReview =>
  ({ kind, scheduled: d(scheduled), due: d(due) });
const rearrange = (r: ScheduledReview, request: RearrangeRequest, context: Partial<RearrangeContext> = {}) =>
  rearrangeReview(r, request, { calendar, ...context });
const earlier = (originalDate: string, newDate: string): Postponement =>
  ({ originalDate: d(originalDate), newDate: d(newDate), reason: 'child_or_carer_request' });

describe('domain/reviews: postponement and rearrangement (OX-S01, OX-S14, AMB-44 to AMB-46)', () => {
  describe('OX-S01 statutory timescale', () => {
    it('OX-S01: a new date on or before the due date is accepted and recorded as a postponement', () => {
      const out = rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-05-01', reason: 'social_worker_in_court' });
      assert.ok(out.ok);
      assert.equal(out.value.review.scheduled, '2026-05-01');
      assert.deepEqual(out.value.postponement, { originalDate: '2026-04-20', newDate: '2026-05-01', reason: 'social_worker_in_court' });
      assert.deepEqual(out.value.prompts, []);
    });

    it('OX-S01: a new date after the due date is refused, naming the latest meeting date', () => {
      // due Sat 31 Oct 2026, so the latest working day is Fri 30 Oct.
      const out = rearrange(review('2026-10-20', '2026-10-31'), { newDate: '2026-11-02', reason: 'child_or_carer_request' });
      assert.ok(!out.ok);
      assert.equal(out.code, 'beyond-due-date');
      assert.equal(out.rule, 'OX-S01');
      assert.match(out.message, /latest meeting date is 2026-10-30/);
    });

    it('OX-S01: the IRO may override with exceptional circumstances, which are recorded', () => {
      const out = rearrange(review('2026-10-20', '2026-10-31'),
        { newDate: '2026-11-02', reason: 'iro_unavailable', iroOverride: { exceptionalCircumstances: 'court-directed hearing moved the date' } });
      assert.ok(out.ok);
      assert.equal(out.value.prompts[0]?.action, 'record_exceptional_circumstances');
      assert.match(out.value.prompts[0]?.message ?? '', /court-directed hearing/);
    });

    it('OX-S01: an override with no circumstances written is refused as invalid input', () => {
      assert.throws(() => rearrange(review('2026-10-20', '2026-10-31'),
        { newDate: '2026-11-02', reason: 'iro_unavailable', iroOverride: { exceptionalCircumstances: '  ' } }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'iroOverride');
    });

    it('OX-S01: moving a review to the day it is already booked is refused', () => {
      const out = rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-04-20', reason: 'other', note: 'room' });
      assert.ok(!out.ok);
      assert.equal(out.code, 'same-date');
    });

    it('OX-S15: an adjourned meeting cannot be moved beyond the 20-working-day adjournment limit', () => {
      const adjourned = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-03-20' }, { calendar });
      assert.ok(adjourned.ok);
      const out = rearrange({ ...adjourned.value.review, due: d('2026-06-01') }, { newDate: '2026-04-10', reason: 'iro_unavailable' });
      assert.ok(!out.ok);
      assert.equal(out.code, 'adjournment-too-long');
    });
  });

  describe('AMB-45 reasons', () => {
    it('AMB-45: an unknown reason is refused, listing the reasons allowed', () => {
      assert.throws(() => rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-04-27', reason: 'holiday' }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'reason' && /lack_of_preparation/.test(e.message));
    });

    it('AMB-45: "other" needs a note', () => {
      assert.throws(() => rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-04-27', reason: 'other' }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'note');
    });
  });

  describe('OX-S14 more than one postponement a year (AMB-44)', () => {
    it('OX-S14: a second postponement in the same performance year is flagged for the Service Manager, QA', () => {
      const out = rearrange(review('2026-03-02', '2026-03-20'), { newDate: '2026-03-16', reason: 'child_or_carer_request' },
        { earlierPostponements: [earlier('2025-10-06', '2025-10-13')] });
      assert.ok(out.ok);
      assert.equal(out.value.postponementsInWindow, 2);
      assert.deepEqual(out.value.window, { kind: 'performance_year', from: '2025-04-01', to: '2026-03-31' });
      const flag = out.value.prompts.find((p) => p.rule === 'OX-S14');
      assert.equal(flag?.action, 'refer_to_sm_qa');
      assert.equal(flag?.notify, 'sm_quality_assurance');
    });

    it('OX-S14: a postponement in March and another in April fall in different performance years, so no flag', () => {
      const out = rearrange(review('2026-04-07', '2026-04-30'), { newDate: '2026-04-14', reason: 'child_or_carer_request' },
        { earlierPostponements: [earlier('2026-03-02', '2026-03-16')] });
      assert.ok(out.ok);
      assert.equal(out.value.postponementsInWindow, 1);
      assert.ok(!out.value.prompts.some((p) => p.rule === 'OX-S14'));
    });

    it('AMB-44: with a rolling 12 months, the same March and April postponements are flagged', () => {
      const out = rearrange(review('2026-04-07', '2026-04-30'), { newDate: '2026-04-14', reason: 'child_or_carer_request' },
        { earlierPostponements: [earlier('2026-03-02', '2026-03-16')], policy: { postponementWindow: 'rolling_12m' } });
      assert.ok(out.ok);
      assert.equal(out.value.postponementsInWindow, 2);
      assert.deepEqual(out.value.window, { kind: 'rolling_12m', from: '2025-04-08', to: '2026-04-07' });
      assert.ok(out.value.prompts.some((p) => p.rule === 'OX-S14'));
    });

    it('AMB-44: a performance year runs 1 April to 31 March, so 31 March and 1 April are in different years', () => {
      assert.deepEqual(postponementWindow(d('2026-03-31'), 'performance_year'), { from: '2025-04-01', to: '2026-03-31' });
      assert.deepEqual(postponementWindow(d('2026-04-01'), 'performance_year'), { from: '2026-04-01', to: '2027-03-31' });
    });

    it('OX-S14: bringing a review forward is not a postponement and is not counted', () => {
      const out = rearrange(review('2026-03-16', '2026-03-20'), { newDate: '2026-03-09', reason: 'court_retimetabled' },
        { earlierPostponements: [earlier('2025-10-06', '2025-10-13')] });
      assert.ok(out.ok);
      assert.equal(out.value.postponement, undefined);
      assert.equal(out.value.postponementsInWindow, 0);
      assert.deepEqual(out.value.prompts, []);
    });

    it('OX-S14 is a looked-after child rule: a foster home review postponed twice is not referred', () => {
      const out = rearrange(review('2026-03-02', '2026-03-20', 'foster-carer'), { newDate: '2026-03-16', reason: 'child_or_carer_request' },
        { earlierPostponements: [earlier('2025-10-06', '2025-10-13')] });
      assert.ok(out.ok);
      assert.ok(!out.value.prompts.some((p) => p.rule === 'OX-S14'));
    });
  });

  describe('AMB-46 lack of preparation', () => {
    it('AMB-46: where the authority says so, a rearrangement for lack of preparation prompts a practice alert', () => {
      const out = rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-04-27', reason: 'lack_of_preparation' },
        { policy: { lackOfPreparationPromptsAlert: true } });
      assert.ok(out.ok);
      assert.deepEqual(out.value.prompts.map((p) => p.action), ['prompt_practice_alert']);
    });

    it('AMB-46: by default it does not', () => {
      const out = rearrange(review('2026-04-20', '2026-05-01'), { newDate: '2026-04-27', reason: 'lack_of_preparation' });
      assert.ok(out.ok);
      assert.deepEqual(out.value.prompts, []);
    });
  });
});
