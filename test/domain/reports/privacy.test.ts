/**
 * DOMAIN §6.3, issue 10: "Reports carry counts and percentages only, never a child's or a carer's
 * details." Every report of the year of the proof, serialised, holds numbers, nulls and the period;
 * its map keys are the ladders' own words or fixed codes; and nothing that identifies a person or
 * was typed as free text in any event reaches it.
 */
import assert from 'node:assert/strict';
import { getPolicy, policyIds } from '../../../domain/policies/index.js';
import {
  alertIndicators, indicatorRows, monthOf, OTHER_CATEGORY, performanceYear, quarterOf, reviewIndicators, UNCATEGORISED, type Period,
} from '../../../domain/reports/index.js';
import { REARRANGEMENT_REASONS } from '../../../domain/reviews/index.js';
import { calendar } from './harness.js';
import { rules, theCases, theSeries } from './year-fixture.js';

/** Fields of the events that name or identify someone, or hold what a person typed. */
const PERSONAL_FIELDS = new Set([
  'reference', 'subjectInitials', 'caseId', 'actor', 'allocatedWorkerId', 'to', 'cc', 'owner', 'recipient', 'managers', 'limitWatchers',
  'actionConfirmers', 'issue', 'impactOnChild', 'resolutionSought', 'outcome', 'keyLearningPoints', 'reason', 'text', 'note', 'proposal',
  'comment', 'reasonText', 'lateReason', 'officer', 'worker', 'invitees', 'invitee', 'attendees', 'organiser', 'transactionId', 'notified',
  'warned', 'copiedTo', 'answers', 'category',
]);

function personalStrings(value: unknown, inField = false, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (inField) found.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) personalStrings(v, inField, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      personalStrings(v, inField || PERSONAL_FIELDS.has(k), found);
      if (inField) found.add(k); // e.g. the keys of `managers` are people
    }
  }
  return found;
}

/** The words a report may use as keys: the ladders' labels and lists, and fixed codes. */
function allowedWords(): Set<string> {
  const words = new Set<string>([UNCATEGORISED, OTHER_CATEGORY, ...REARRANGEMENT_REASONS]);
  for (const id of policyIds()) {
    const p = getPolicy(id);
    const labels = [...p.alertTypes.map((t) => t.label), ...p.stages.map((s) => s.label)];
    for (const label of labels) words.add(label).add(`${p.authority}: ${label}`);
    for (const c of [...p.categories, ...p.alertTypes.flatMap((t) => t.triggers)]) words.add(c);
  }
  return words;
}

const FIXED_KEYS = new Set([
  'period', 'from', 'to', 'label', 'count', 'pct', 'median', 'mean', 'max', 'total', 'looked_after', 'foster_carer', 'held_late', 'with_reason',
  'all', 'good_practice', 'informal', 'formal', 'by_alert_type', 'initial', 'placement_change', 'second', 'subsequent', 'first', 'annual', 'significant_incident',
]);

describe('reports: privacy (DOMAIN §6.3)', () => {
  const cases = theCases();
  const series = theSeries();
  const periods: Period[] = [performanceYear('2026-04-01'), quarterOf('2026-05-01'), quarterOf('2027-02-01'), monthOf('2026-05-01')];
  const reports = periods.flatMap((period) => [
    alertIndicators(cases.map((c) => c.events), period, { calendar, policyFor: getPolicy }),
    reviewIndicators(series.map((s) => s.events), period, { calendar, rules }),
  ]);
  const personal = [...personalStrings([...cases.map((c) => c.events), ...series.map((s) => s.events)])]
    .filter((s) => !allowedWords().has(s)); // a category on the ladder's list is the ladder's word, not the officer's

  it('the events do hold personal and free text (so the check below means something)', () => {
    for (const s of ['J.T.', 'LAC-B', 'FC-2', 'aad-priya-okonjo', 'The social worker was in court on another case.', 'Excellent support during placement']) {
      assert.ok(personal.includes(s), s);
    }
  });

  it('no reference, person, initials or free text appears anywhere in any report', () => {
    for (const report of reports) {
      const json = JSON.stringify(report);
      for (const s of personal) assert.ok(!json.includes(s), `${report.period.label}: "${s}" leaked`);
    }
  });

  it('every value is a count or a percentage (or null), apart from the period', () => {
    for (const report of reports) {
      for (const [indicator, value] of indicatorRows(report)) {
        if (indicator.startsWith('period.')) assert.equal(typeof value, 'string');
        else assert.ok(value === null || (typeof value === 'number' && Number.isFinite(value) && value >= 0), `${indicator} = ${String(value)}`);
      }
    }
  });

  it('every key is a fixed indicator key, a ladder\'s own label or list entry, or a reason code', () => {
    const allowed = allowedWords();
    const check = (value: unknown, path: string) => {
      if (value === null || typeof value !== 'object') return;
      for (const [k, v] of Object.entries(value)) {
        const ok = path === '' || FIXED_KEYS.has(k) || allowed.has(k);
        assert.ok(ok, `${path}.${k} is not a word a report may use`);
        check(v, path === '' ? k : `${path}.${k}`);
      }
    };
    for (const report of reports) check(report, '');
  });
});
