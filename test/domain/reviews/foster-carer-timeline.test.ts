import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  fosterCarerReviewTimeline, type FosterCarerTimelineInput, type FosterCarerTimelineOptions, type ReviewTimeline,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const timeline = (input: FosterCarerTimelineInput, options: Omit<FosterCarerTimelineOptions, 'calendar'> = {}) =>
  fosterCarerReviewTimeline(input, { calendar, ...options });
const entry = (t: ReviewTimeline, rule: string) => {
  const found = t.deadlines.find((d) => d.rule === rule);
  assert.ok(found, `no ${rule} in the timeline`);
  return found;
};

// Tue 9 Jun 2026: no bank holiday between 26 May and the end of July.
const F = '2026-06-09';

describe('domain/reviews: foster home review timeline', () => {
  it('FC-R15/FC-R16: feedback is requested and carers can see the reports 2 calendar weeks before', () => {
    const t = timeline({ reviewDate: F });
    for (const rule of ['FC-R15', 'FC-R16']) {
      const d = entry(t, rule);
      assert.equal(d.date, '2026-05-26');
      assert.deepEqual(d.offset, { amount: 2, unit: 'weeks' });
      assert.equal(d.direction, 'before');
    }
    assert.equal(entry(t, 'FC-R15').responsible, 'business_support');
    assert.equal(entry(t, 'FC-R16').responsible, 'supervising_social_worker');
  });

  it('AMB-10: the feedback lead is configurable, and less than 2 weeks is refused', () => {
    assert.equal(entry(timeline({ reviewDate: F }, { feedbackLeadWeeks: 4 }), 'FC-R15').date, '2026-05-12');
    assert.throws(() => timeline({ reviewDate: F }, { feedbackLeadWeeks: 1 }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'feedbackLeadWeeks');
  });

  it('FC-R16: two weeks before falls on Easter Monday, so the reports must be open by the Thursday before Good Friday', () => {
    const d = entry(timeline({ reviewDate: '2026-04-20' }), 'FC-R16');
    assert.equal(d.date, '2026-04-02');
    assert.equal(d.movedFrom, '2026-04-06');
  });

  it('FC-R20, FC-R21, FC-R22: case note within 5 working days, report within 20, carers\' copy within 4 weeks', () => {
    const t = timeline({ reviewDate: F });
    assert.equal(entry(t, 'FC-R20').date, '2026-06-16');
    assert.equal(entry(t, 'FC-R21').date, '2026-07-07');
    assert.equal(entry(t, 'FC-R22').date, '2026-07-07');
    assert.deepEqual(entry(t, 'FC-R22').offset, { amount: 4, unit: 'weeks' });
    assert.deepEqual(t.warnings, []);
  });

  it('AMB-09: warns when the 20-working-day report falls after the 4-week carers\' copy (Easter in between)', () => {
    const t = timeline({ reviewDate: '2026-03-24' });
    assert.equal(entry(t, 'FC-R21').date, '2026-04-23'); // Good Friday and Easter Monday push it past
    assert.equal(entry(t, 'FC-R22').date, '2026-04-21');
    assert.match(t.warnings.join('\n'), /AMB-09/);
  });

  it('FC-R26: the quality of practice questionnaire follows the review, with no timescale in the source', () => {
    const d = entry(timeline({ reviewDate: F }, { officer: 'fro' }), 'FC-R26');
    assert.equal(d.timing, 'no-timescale');
    assert.equal(d.date, null);
    assert.equal(d.responsible, 'fro');
  });

  it('FP-R01/FP-R02: with a panel date, reports go 10 and the agenda 5 working days before the panel', () => {
    const t = timeline({ reviewDate: F, panelDate: '2026-07-15' });
    assert.equal(entry(t, 'FP-R01').date, '2026-07-01');
    assert.equal(entry(t, 'FP-R02').date, '2026-07-08');
    assert.equal(entry(t, 'FP-R02').responsible, 'panel_administrator');
    assert.equal(entry(t, 'FC-R10').date, '2026-07-15');
  });

  it('FC-R05: a first review goes to panel; with no panel booked the panel tasks are listed undated', () => {
    const t = timeline({ reviewDate: F, first: true });
    assert.equal(entry(t, 'FC-R24').timing, 'no-timescale');
    assert.equal(entry(t, 'FP-R01').date, null);
    assert.equal(entry(t, 'FP-R02').date, null);
    const booked = timeline({ reviewDate: F, first: true, panelDate: '2026-07-15' });
    assert.equal(entry(booked, 'FC-R05').date, '2026-07-15');
  });

  it('a review that is not the first, with no panel date, has no panel deadlines', () => {
    const rules = timeline({ reviewDate: F }).deadlines.map((d) => d.rule);
    assert.ok(!rules.some((r) => r.startsWith('FP-')));
  });

  it('refuses a panel before the review', () => {
    assert.throws(() => timeline({ reviewDate: F, panelDate: '2026-06-01' }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'panelDate');
  });

  it('lists dated deadlines in date order and undated ones last', () => {
    const t = timeline({ reviewDate: F, first: true });
    const dated = t.deadlines.filter((d) => d.date !== null).map((d) => d.date!);
    assert.deepEqual(dated, [...dated].sort());
    assert.equal(t.deadlines.findIndex((d) => d.date === null), dated.length);
  });
});
