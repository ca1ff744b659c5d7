import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  PolicyFileError,
  getPolicy,
  listPolicies,
  parsePolicy,
  resolveSetting,
  type PolicyFault,
} from '../../../domain/policies/index.js';

/** A small valid ladder an authority might write, as plain data. */
function sampleLadder(): Record<string, unknown> {
  return {
    id: 'northmoor',
    version: '2026.1',
    effectiveFrom: '2026-04-01',
    authority: 'Northmoor Council',
    officerRole: 'iro',
    subjectType: 'child',
    labels: { officer: 'IRO', officerLong: 'Independent Reviewing Officer', subject: 'child in care', process: 'Practice alerts' },
    alertTypes: [{ id: 'alert', label: 'Practice alert', kind: 'alert', entryStage: 'first' }],
    stages: [
      { id: 'first', label: 'Stage 1', formal: true, to: ['social_worker'], cc: ['team_manager'], responseTime: { workingDays: 5 }, recording: 'Case note', mode: 'email' },
      { id: 'second', label: 'Stage 2', formal: true, to: ['service_manager'], responseTime: null, customDueDate: 'allowed', recording: 'Case note', mode: 'meeting' },
    ],
    bypass: { allowed: true, requiresLineManagerDiscussion: false, exceptInEmergency: false },
    overallLimit: { workingDays: 20, startsAt: 'stage1_raised' },
    outsideReferral: null,
    closure: { record: 'Outcome case note' },
  };
}

function faultsOf(run: () => unknown): PolicyFault[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PolicyFileError, `expected a PolicyFileError, got ${String(error)}`);
    assert.ok(error instanceof InvalidInputError);
    return [...error.faults];
  }
  assert.fail('the ladder was accepted');
}

describe('domain/policies: an authority\'s own ladder file (parsePolicy)', () => {
  it('a valid YAML ladder loads, with defaults filled in (cc [], reminders 1 WD before due, §8.4)', () => {
    const policy = parsePolicy(stringify(sampleLadder()), 'yaml');
    assert.equal(policy.id, 'northmoor');
    assert.deepEqual(policy.stages[1]?.cc, []);
    assert.deepEqual(policy.reminders, { beforeDueWorkingDays: 1 });
    assert.deepEqual(policy.closure.requires, ['outcome']);
  });

  it('the audit settings default to the old behaviour: type recipients replace the default entry\'s, no email heading, the owner confirms, refer at any time', () => {
    const withReferral = { ...sampleLadder(), outsideReferral: { to: 'cafcass', mode: 'prompt', promptAfter: { atOverallLimit: true }, promptStartsAt: 'stage1_raised' } };
    const policy = parsePolicy(stringify(withReferral), 'yaml');
    assert.equal(policy.alertTypes[0]?.recipientsAtEntry, 'replace_at_default_entry');
    assert.equal(policy.alertTypes[0]?.emailsHeaded, false);
    assert.deepEqual(policy.closure.actionsConfirmedBy, []);
    assert.equal(policy.outsideReferral?.earliest, null);
    assert.equal(policy.carePlanOnlyIssuesToChildIro, false);
  });

  it('AMB-15: "add_at_entry" needs the type\'s own recipients, and a notification has no stage to add them to', () => {
    const bad = sampleLadder();
    (bad.alertTypes as Record<string, unknown>[])[0]!.recipientsAtEntry = 'add_at_entry';
    (bad.alertTypes as Record<string, unknown>[]).push({ id: 'good', label: 'Good practice', kind: 'notification', entryStage: null, to: ['social_worker'], recipientsAtEntry: 'add_at_entry' });
    assert.deepEqual(faultsOf(() => parsePolicy(JSON.stringify(bad), 'json')), [
      { path: 'alertTypes[0].recipientsAtEntry', message: '"add_at_entry" adds the type\'s own to / cc to the entry stage\'s, but this type names none; give to or cc' },
      { path: 'alertTypes[1].recipientsAtEntry', message: 'a notification has no stage to add its recipients to; remove this' },
    ]);
  });

  for (const id of ['dudley', 'somerset', 'oxfordshire', 'cheshire_east']) {
    it(`${id}: the shipped ladder survives a YAML and a JSON round trip unchanged`, () => {
      const policy = getPolicy(id);
      assert.deepEqual(parsePolicy(stringify(policy), 'yaml'), policy);
      assert.deepEqual(parsePolicy(JSON.stringify(policy), 'json'), policy);
    });
  }

  it('a bad file is refused with every fault listed by path, not just the first', () => {
    const bad = sampleLadder();
    const stages = bad.stages as Record<string, unknown>[];
    stages.push({ id: 'first', label: 'Stage 3', formal: true, to: ['team_mgr', 'director'], responseTime: { workingDays: -2 }, recording: 'x', mode: 'fax' });
    (bad.alertTypes as Record<string, unknown>[])[0]!.entryStage = 'stage9';
    bad.officerRole = 'sw';
    delete bad.authority;
    bad.colour = 'blue';
    const faults = faultsOf(() => parsePolicy(JSON.stringify(bad), 'json'));
    const byPath = new Map(faults.map((f) => [f.path, f.message]));
    assert.match(byPath.get('stages[2].to[0]') ?? '', /^"team_mgr" is not a known role; known roles: iro, firo, fro, /);
    assert.match(byPath.get('stages[2].responseTime.workingDays') ?? '', /more than 0/);
    assert.match(byPath.get('stages[2].mode') ?? '', /"fax" is not one of: discussion, direct_communication, email, form, meeting, referral/);
    assert.match(byPath.get('stages[2].id') ?? '', /"first" is already the id of stages\[0\]; ids must be unique/);
    assert.match(byPath.get('alertTypes[0].entryStage') ?? '', /"stage9" is not a stage of this ladder; stages: first, second, first/);
    assert.match(byPath.get('officerRole') ?? '', /"sw" is not one of: iro, firo, fro/);
    assert.equal(byPath.get('authority'), 'is required');
    assert.match(byPath.get('') ?? '', /"colour" is not a setting here/);
    assert.equal(faults.length, 8, faults.map((f) => `${f.path}: ${f.message}`).join('\n'));
  });

  it('the error message lists each fault on its own line with its path', () => {
    const bad = sampleLadder();
    (bad.stages as Record<string, unknown>[])[0]!.to = ['team_mgr'];
    bad.overallLimit = { workingDays: 20, calendarDays: 20, startsAt: 'stage1_raised' };
    assert.throws(() => parsePolicy(stringify(bad), 'yaml'), (error: Error) => {
      assert.match(error.message, /^the ladder file has 2 faults; correct them and load it again:\n/);
      assert.match(error.message, /\n- stages\[0\]\.to\[0\]: "team_mgr" is not a known role/);
      assert.match(error.message, /\n- overallLimit: give only one of workingDays or calendarDays, not workingDays and calendarDays/);
      return true;
    });
  });

  it('cross-field rules: at least one stage, escalation only upward, maxima need a time, notifications need no stage', () => {
    const bad = sampleLadder();
    bad.stages = [];
    assert.deepEqual(faultsOf(() => parsePolicy(JSON.stringify(bad), 'json')).map((f) => f.path).sort(), ['alertTypes[0].entryStage', 'stages']);

    const upward = sampleLadder();
    const [first, second] = upward.stages as Record<string, unknown>[];
    second!.escalatesTo = 'first';
    second!.responseTimeIsMaximum = true;
    first!.cc = ['social_worker'];
    (upward.alertTypes as unknown[]).push({ id: 'thanks', label: 'Good practice', kind: 'notification', entryStage: 'first' });
    const faults = faultsOf(() => parsePolicy(JSON.stringify(upward), 'json'));
    assert.deepEqual(faults.map((f) => f.path).sort(), [
      'alertTypes[1].entryStage', 'alertTypes[1].to', 'stages[0].cc', 'stages[1].escalatesTo', 'stages[1].responseTimeIsMaximum',
    ]);
  });

  it('§2.5: a foster-carer ladder cannot have a Cafcass referral', () => {
    const bad = sampleLadder();
    bad.subjectType = 'foster_carer';
    bad.outsideReferral = { to: 'cafcass', mode: 'prompt', promptAfter: { workingDays: 15 }, promptStartsAt: 'informal_raised' };
    const faults = faultsOf(() => parsePolicy(JSON.stringify(bad), 'json'));
    assert.deepEqual(faults.map((f) => f.path), ['outsideReferral']);
    assert.match(faults[0]!.message, /children's cases only/);
  });

  it('AMB-32: a suspension window must be real dates, in order', () => {
    const bad = sampleLadder();
    bad.suspensionWindows = [{ from: '2020-03-23', to: '2020-02-30', reason: 'lockdown' }, { from: '2020-06-01', to: '2020-05-01', reason: 'x' }];
    const faults = faultsOf(() => parsePolicy(JSON.stringify(bad), 'json'));
    assert.deepEqual(faults.map((f) => f.path), ['suspensionWindows[0].to', 'suspensionWindows[1].to']);
    assert.match(faults[0]!.message, /2020-02-30 is not a date in the calendar/);
  });

  it('a gap must point at a setting that exists', () => {
    const bad = sampleLadder();
    bad.gaps = [{ id: 'AMB-04', setting: 'stages.third.responseTime', default: 'none stated' }];
    const faults = faultsOf(() => parsePolicy(JSON.stringify(bad), 'json'));
    assert.deepEqual(faults.map((f) => f.path), ['gaps[0].setting']);
  });

  it('YAML syntax errors are listed by line and column; JSON syntax errors say so', () => {
    const yamlFaults = faultsOf(() => parsePolicy('id: x\nstages: [\n  - a\n', 'yaml'));
    assert.ok(yamlFaults.length >= 1);
    assert.match(yamlFaults[0]!.path, /^line \d+, column \d+$/);
    assert.match(yamlFaults[0]!.message, /^not valid YAML/);
    const jsonFaults = faultsOf(() => parsePolicy('{"id": ', 'json'));
    assert.match(jsonFaults[0]!.message, /^not valid JSON/);
  });

  it('a duplicate YAML key is refused rather than silently overwritten', () => {
    const faults = faultsOf(() => parsePolicy('id: a\nid: b\n', 'yaml'));
    assert.match(faults[0]!.message, /not valid YAML/);
  });
});

describe('domain/policies: the registry', () => {
  it('lists the four shipped ladders with their officer, subject, stages and cap', () => {
    const list = listPolicies();
    assert.deepEqual(list.map((p) => p.id), ['dudley', 'somerset', 'oxfordshire', 'cheshire_east']);
    const ox = list.find((p) => p.id === 'oxfordshire');
    assert.equal(ox?.overallLimit, '20 working days from stage1_raised');
    assert.equal(ox?.cafcassReferral, true);
    assert.equal(list.find((p) => p.id === 'dudley')?.overallLimit, null);
  });

  it('getPolicy refuses an unknown id and names the known ones', () => {
    assert.throws(() => getPolicy('dudly'), (error: Error) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.message, 'there is no ladder "dudly"; known ladders: dudley, somerset, oxfordshire, cheshire_east');
      assert.equal(error.field, 'policyId');
      return true;
    });
  });

  it('shipped ladders are frozen: no caller can change a ladder for everyone else', () => {
    const policy = getPolicy('somerset');
    assert.throws(() => { (policy.stages as unknown[]).push({}); }, TypeError);
    assert.ok(Object.isFrozen(policy.stages[0]));
  });

  it('resolveSetting reads list items by id and tells a missing setting from a null one', () => {
    const dudley = getPolicy('dudley');
    assert.equal(resolveSetting(dudley, 'alertTypes.drp.entryStage'), 'stage2');
    assert.equal(resolveSetting(dudley, 'overallLimit'), null);
    assert.equal(resolveSetting(dudley, 'stages.stage9.responseTime'), undefined);
  });
});
