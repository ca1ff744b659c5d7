import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { bookingWindow } from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();

describe('domain/reviews: the window a review can be booked in (§8.5)', () => {
  it('OX-R08a: a second review booked on Mon 5 Jan 2026 can be held from Mon 2 Feb, leaving the 20-working-day consultation', () => {
    const w = bookingWindow({ kind: 'looked-after', due: '2026-05-01', bookingOn: '2026-01-05' }, { calendar });
    assert.deepEqual([w.earliest, w.latest, w.feasible, w.limitingRule], ['2026-02-02', '2026-05-01', true, 'OX-R08a']);
  });

  it('AMB-35/OX-R09a: an initial review is limited by the 10-working-day invitations instead', () => {
    const w = bookingWindow({ kind: 'looked-after', due: '2026-02-02', bookingOn: '2026-01-05', initial: true }, { calendar });
    assert.deepEqual([w.earliest, w.limitingRule, w.feasible], ['2026-01-19', 'OX-R09a', true]);
  });

  it('OX-R08a: booked too late for the consultation and the due date, the window is empty and says so', () => {
    const w = bookingWindow({ kind: 'looked-after', due: '2026-05-01', bookingOn: '2026-04-20' }, { calendar });
    assert.equal(w.feasible, false);
    assert.ok(w.earliest > w.latest);
    assert.match(w.explanation, /No date leaves room for the preparation/);
  });

  it('OX-R08a: booking over Christmas pushes the earliest date past the bank holidays', () => {
    // Mon 15 Dec 2025 + 20 working days = Thu 15 Jan 2026.
    const w = bookingWindow({ kind: 'looked-after', due: '2026-06-01', bookingOn: '2025-12-15' }, { calendar });
    assert.equal(w.earliest, '2026-01-15');
  });

  it('FC-R15/FC-R16: a foster home review needs 2 calendar weeks (or the AMB-10 lead) after the booking', () => {
    const w = bookingWindow({ kind: 'foster-carer', due: '2026-12-01', bookingOn: '2026-06-01' }, { calendar });
    assert.deepEqual([w.earliest, w.limitingRule], ['2026-06-15', 'FC-R15']);
    const longer = bookingWindow({ kind: 'foster-carer', due: '2026-12-01', bookingOn: '2026-06-01' }, { calendar, feedbackLeadWeeks: 4 });
    assert.equal(longer.earliest, '2026-06-29');
  });

  it('the latest date is the last working day on or before the due date', () => {
    const w = bookingWindow({ kind: 'looked-after', due: '2026-10-31', bookingOn: '2026-06-01' }, { calendar });
    assert.equal(w.latest, '2026-10-30');
  });

  it('refuses a due date that does not exist', () => {
    assert.throws(() => bookingWindow({ kind: 'looked-after', due: '2026-02-30', bookingOn: '2026-01-05' }, { calendar }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'due');
  });
});
