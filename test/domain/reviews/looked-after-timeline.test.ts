import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  lookedAfterReviewTimeline, type LookedAfterTimelineInput, type LookedAfterTimelineOptions, type ReviewTimeline,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const timeline = (input: LookedAfterTimelineInput, options: Omit<LookedAfterTimelineOptions, 'calendar'> = {}) =>
  lookedAfterReviewTimeline(input, { calendar, ...options });
const entry = (t: ReviewTimeline, rule: string) => {
  const found = t.deadlines.find((d) => d.rule === rule);
  assert.ok(found, `no ${rule} in the timeline`);
  return found;
};

// Tue 10 Mar 2026. The only bank holidays near it are Good Friday (3 Apr) and Easter Monday (6 Apr).
const R = '2026-03-10';

describe('domain/reviews: looked-after review timeline', () => {
  it('OX-R08a/OX-R08b: the social worker consults the child at least 20 working days before the meeting', () => {
    const t = timeline({ reviewDate: R });
    for (const rule of ['OX-R08a', 'OX-R08b']) {
      const d = entry(t, rule);
      assert.equal(d.date, '2026-02-10'); // four weeks of working days back from Tue 10 Mar
      assert.equal(d.direction, 'before');
      assert.equal(d.responsible, 'social_worker');
      assert.deepEqual(d.offset, { amount: 20, unit: 'working-days' });
    }
  });

  it('AMB-35: for an initial review the consultation is "as soon as possible after appointment", with no date', () => {
    const t = timeline({ reviewDate: R, initial: true });
    for (const rule of ['OX-R08a', 'OX-R08b']) {
      const d = entry(t, rule);
      assert.equal(d.timing, 'as-soon-as-possible');
      assert.equal(d.date, null);
      assert.equal(d.anchor.event, 'appointment');
      assert.match(d.note ?? '', /AMB-35/);
    }
    assert.equal(t.deadlines[0]?.rule, 'OX-R08a');
  });

  it('OX-R09a: invitations and consultation documents go out at least 10 working days before', () => {
    const d = entry(timeline({ reviewDate: R }), 'OX-R09a');
    assert.equal(d.date, '2026-02-24');
    assert.equal(d.responsible, 'business_support');
  });

  it('OX-R09a: the 10 working days before a review on 8 Jan 2026 reach back past New Year and Christmas to 22 Dec', () => {
    // 7,6,5,2 Jan are days 1-4; 1 Jan, 25-26 Dec and the weekend are skipped; 31,30,29 Dec days 5-7; 24,23,22 Dec days 8-10.
    assert.equal(entry(timeline({ reviewDate: '2026-01-08' }), 'OX-R09a').date, '2025-12-22');
  });

  it('AMB-42: the administrator who sends invitations is configurable', () => {
    assert.equal(entry(timeline({ reviewDate: R }, { administrator: 'iro' }), 'OX-R09a').responsible, 'iro');
  });

  it('OX-R10a: the social worker\'s report and care plan reach the IRO 3 working days before', () => {
    const d = entry(timeline({ reviewDate: R }), 'OX-R10a');
    assert.equal(d.date, '2026-03-05'); // Mon 9, Fri 6, Thu 5
  });

  it('OX-R10a: 3 working days before the Tuesday after Easter Monday is the Tuesday before Good Friday', () => {
    // Tue 7 Apr 2026: Easter Monday and Good Friday skipped, Thu 2 Apr day 1, Wed 1 Apr day 2, Tue 31 Mar day 3.
    assert.equal(entry(timeline({ reviewDate: '2026-04-07' }), 'OX-R10a').date, '2026-03-31');
  });

  it('OX-R12: the decisions are circulated within 5 working days after the meeting', () => {
    const d = entry(timeline({ reviewDate: R }), 'OX-R12');
    assert.equal(d.date, '2026-03-17');
    assert.equal(d.direction, 'after');
    assert.equal(d.responsible, 'iro');
  });

  it('OX-R16/OX-R17: the team manager responds within 5 working days of receipt (default: the R+5 circulation), else deemed agreed', () => {
    const t = timeline({ reviewDate: R });
    assert.deepEqual(entry(t, 'OX-R16').anchor, { event: 'decisions-received', date: '2026-03-17' });
    assert.equal(entry(t, 'OX-R16').date, '2026-03-24');
    assert.equal(entry(t, 'OX-R16').responsible, 'team_manager');
    assert.equal(entry(t, 'OX-R17').date, '2026-03-24');
  });

  it('OX-R16: an actual receipt date replaces the default', () => {
    const t = timeline({ reviewDate: R, decisionsReceived: '2026-03-12' });
    assert.equal(entry(t, 'OX-R16').date, '2026-03-19');
  });

  it('OX-R19, OX-R13: the care plan is updated within 10 and the full record completed within 15 working days', () => {
    const t = timeline({ reviewDate: R });
    assert.equal(entry(t, 'OX-R19').date, '2026-03-24');
    assert.equal(entry(t, 'OX-R13').date, '2026-03-31');
  });

  it('OX-R14/AMB-41: copies are distributed within 20 working days of the review date by default, across Easter', () => {
    // 10 Mar + 20 working days: 31 Mar is day 15, 1-2 Apr 16-17, Easter skipped, 7-9 Apr 18-20.
    const d = entry(timeline({ reviewDate: R }), 'OX-R14');
    assert.equal(d.date, '2026-04-09');
    assert.equal(d.anchor.event, 'review');
  });

  it('OX-R14/AMB-41: counted from completion of the full record when the authority says so', () => {
    const t = timeline({ reviewDate: R, fullRecordCompleted: '2026-03-20' }, { distributionAnchor: 'full_record_completed' });
    // Fri 20 Mar + 20 working days: 23-27 Mar days 1-5, 30 Mar-2 Apr 6-9, Easter skipped, 7-10 Apr 10-13, 13-17 Apr 14-18, 20-21 Apr 19-20.
    assert.equal(entry(t, 'OX-R14').date, '2026-04-21');
    assert.deepEqual(entry(t, 'OX-R14').anchor, { event: 'full-record-completed', date: '2026-03-20' });
  });

  it('lists the deadlines in date order, with the review itself (OX-R07) on the review date', () => {
    const t = timeline({ reviewDate: R });
    const dates = t.deadlines.map((d) => d.date ?? '');
    assert.deepEqual(dates, [...dates].sort());
    assert.equal(entry(t, 'OX-R07').date, R);
    assert.deepEqual(t.warnings, []);
  });

  it('warns when the review itself is booked on a non-working day', () => {
    assert.match(timeline({ reviewDate: '2026-12-25' }).warnings[0] ?? '', /Christmas Day/);
  });

  it('refuses decisions received before the review, and a review date that does not exist', () => {
    assert.throws(() => timeline({ reviewDate: R, decisionsReceived: '2026-03-01' }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'decisionsReceived');
    assert.throws(() => timeline({ reviewDate: '2026-02-30' }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'reviewDate');
  });
});
