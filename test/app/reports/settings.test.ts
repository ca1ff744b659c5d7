/**
 * The regular reports' settings (bin/config.ts, REPORT_*): each with its default, read once with
 * zod, a fault named by its variable, and "off" switching a report off.
 */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../bin/config.js';

function problemsOf(env: NodeJS.ProcessEnv): Map<string, string> {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return new Map(error.problems.map((p) => [p.variable, p.problem]));
    throw error;
  }
  return new Map();
}

describe('regular reports: the REPORT_* settings', () => {
  it('by default every report is on: the digest Monday 08:00 to the Director and senior leaders, the others at 08:00 on their first working day', () => {
    assert.deepEqual(loadConfig({}).reports, {
      'weekly-digest': { timing: { report: 'weekly-digest', weekday: 1, time: '08:00' }, roles: ['director', 'deputy_director', 'head_of_service'] },
      'monthly-thematic': { timing: { report: 'monthly-thematic', time: '08:00' }, roles: ['director', 'deputy_director', 'head_of_service', 'sm_quality_assurance'] },
      'quarterly-themes': { timing: { report: 'quarterly-themes', time: '08:00' }, roles: ['head_of_service', 'service_manager', 'sm_quality_assurance'] },
      annual: { timing: { report: 'annual', time: '08:00' }, roles: ['director', 'deputy_director', 'head_of_service', 'sm_quality_assurance'] },
    });
    assert.ok(Object.isFrozen(loadConfig({}).reports['weekly-digest']!.roles));
  });

  it('a weekday and a time, roles of its own, and "off"', () => {
    const c = loadConfig({ REPORT_WEEKLY_DIGEST: ' Friday  16:30 ', REPORT_WEEKLY_DIGEST_ROLES: 'director, sm_quality_assurance,director', REPORT_MONTHLY_THEMATIC: 'OFF', REPORT_ANNUAL: '09:15' });
    assert.deepEqual(c.reports['weekly-digest'], { timing: { report: 'weekly-digest', weekday: 5, time: '16:30' }, roles: ['director', 'sm_quality_assurance'] });
    assert.equal(c.reports['monthly-thematic'], undefined);
    assert.deepEqual(c.reports.annual?.timing, { report: 'annual', time: '09:15' });
  });

  it('each fault is named by its variable, all at once, with what to write', () => {
    const problems = problemsOf({ REPORT_WEEKLY_DIGEST: 'mondays at 8', REPORT_QUARTERLY_THEMES: '25:00', REPORT_ANNUAL_ROLES: 'director,the dcs', REPORT_MONTHLY_THEMATIC_ROLES: ' , ' });
    assert.deepEqual([...problems.keys()].sort(), ['REPORT_ANNUAL_ROLES', 'REPORT_MONTHLY_THEMATIC_ROLES', 'REPORT_QUARTERLY_THEMES', 'REPORT_WEEKLY_DIGEST']);
    assert.match(problems.get('REPORT_MONTHLY_THEMATIC_ROLES')!, /names no role/);
    assert.match(problems.get('REPORT_WEEKLY_DIGEST')!, /a weekday and a 24-hour London time, for example "monday 08:00", or "off"/);
    assert.match(problems.get('REPORT_QUARTERLY_THEMES')!, /24-hour London time.*"08:00"/);
    assert.match(problems.get('REPORT_ANNUAL_ROLES')!, /"the dcs" is not a role key/);
    assert.match(problemsOf({ REPORT_WEEKLY_DIGEST: 'monday' }).get('REPORT_WEEKLY_DIGEST')!, /monday 08:00/);
    assert.match(problemsOf({ REPORT_WEEKLY_DIGEST: 'someday 08:00' }).get('REPORT_WEEKLY_DIGEST')!, /weekday/);
  });
});
