import assert from 'node:assert/strict';
import { createWorkingCalendar, parseLocalDate } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { adjournReview, type ScheduledReview } from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const review = (scheduled: string, due: string, extra: Partial<ScheduledReview> = {}): ScheduledReview => ({
  kind: 'looked-after', scheduled: parseLocalDate(scheduled), due: parseLocalDate(due), ...extra,
});

describe('domain/reviews: adjournment (OX-S15, OX-S17)', () => {
  it('OX-S15: a meeting may be adjourned to a day up to 20 working days later, the 20th day included', () => {
    // Tue 10 Mar 2026 + 20 working days, skipping Good Friday and Easter Monday = Thu 9 Apr.
    const out = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-04-09' }, { calendar });
    assert.ok(out.ok);
    assert.equal(out.value.latestResumeDate, '2026-04-09');
    assert.equal(out.value.review.scheduled, '2026-04-09');
    assert.deepEqual(out.value.review.adjourned, { on: '2026-03-10', resumeOn: '2026-04-09' });
  });

  it('OX-S15: the 21st working day is refused, naming the latest allowed day', () => {
    const out = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-04-10' }, { calendar });
    assert.equal(out.ok, false);
    assert.ok(!out.ok);
    assert.equal(out.code, 'adjournment-too-long');
    assert.equal(out.rule, 'OX-S15');
    assert.match(out.message, /must resume by 2026-04-09/);
  });

  it('OX-S15: the 20 working days from Fri 19 Dec 2025 run over Christmas and New Year to Wed 21 Jan 2026', () => {
    const ok = adjournReview(review('2025-12-19', '2025-12-20'), { resumeOn: '2026-01-21' }, { calendar });
    const late = adjournReview(review('2025-12-19', '2025-12-20'), { resumeOn: '2026-01-22' }, { calendar });
    assert.ok(ok.ok);
    assert.equal(late.ok, false);
  });

  it('OX-S15: a review may be adjourned once only', () => {
    const first = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-03-20' }, { calendar });
    assert.ok(first.ok);
    const second = adjournReview(first.value.review, { resumeOn: '2026-03-27' }, { calendar });
    assert.ok(!second.ok);
    assert.equal(second.code, 'already-adjourned');
    assert.match(second.message, /once only/);
  });

  it('OX-S17: while adjourned, nothing under consideration may be implemented; OX-S16 prompts to weigh the delay', () => {
    const out = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-03-20' }, { calendar });
    assert.ok(out.ok);
    assert.deepEqual(out.value.prompts.map((p) => [p.rule, p.action]),
      [['OX-S17', 'implementation_freeze'], ['OX-S16', 'consider_effect_of_delay']]);
  });

  it('OX-S15: the meeting must resume after the adjourned meeting', () => {
    const out = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-03-10' }, { calendar });
    assert.ok(!out.ok);
    assert.equal(out.code, 'not-after-meeting');
  });

  it('OX-S15: adjournment is a looked-after review rule; a foster home review is refused', () => {
    const out = adjournReview(review('2026-03-10', '2026-03-12', { kind: 'foster-carer' }), { resumeOn: '2026-03-20' }, { calendar });
    assert.ok(!out.ok);
    assert.equal(out.code, 'not-applicable');
  });

  it('warns when the resumed meeting falls on a bank holiday, and refuses a date that does not exist', () => {
    const out = adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-04-06' }, { calendar });
    assert.ok(out.ok);
    assert.match(out.value.warnings[0] ?? '', /Easter Monday/);
    assert.throws(() => adjournReview(review('2026-03-10', '2026-03-12'), { resumeOn: '2026-03-32' }, { calendar }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'resumeOn');
  });
});
