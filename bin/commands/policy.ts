import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import {
  describeTimeSpan,
  getPolicy,
  listPolicies,
  parsePolicy,
  resolveSetting,
  summarisePolicy,
  type Policy,
  type RoleKey,
  type Stage,
} from '../../domain/policies/index.js';
import { writeJson } from './args.js';
import { EXIT_OK, UsageError, type Command } from './command.js';

const USAGE = 'resolve policy list [--json] | resolve policy show <id> [--json] | resolve policy check <file.yaml|file.json> [--json]';

const FORMATS: Readonly<Record<string, 'json' | 'yaml'>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' };

function roles(policy: Policy, keys: readonly (RoleKey | 'raising_officer')[]): string {
  return keys.map((k) => (k === 'raising_officer' ? `the ${policy.labels.officer}` : policy.roleLabels[k] ?? k)).join(', ') || 'nobody';
}

function stageLines(policy: Policy, stage: Stage, n: number): string[] {
  const time = stage.responseTime
    ? `${stage.responseTimeIsMaximum ? 'up to ' : ''}${describeTimeSpan(stage.responseTime)}`
    : 'no set time: the officer sets a "resolution sought by" date';
  const flags = [
    stage.formal ? 'formal' : 'informal',
    stage.rarelyUsed ? 'rarely used' : '',
    stage.directorBriefingRequired ? 'Director briefing note required' : '',
    stage.customDueDate !== 'not_allowed' && stage.responseTime ? `own date ${stage.customDueDate === 'within_maximum' ? 'within the time' : 'allowed'}` : '',
  ].filter(Boolean);
  return [
    `  ${n}. ${stage.label} [${stage.id}] (${flags.join('; ')})`,
    `     To: ${roles(policy, stage.to)}${stage.cc.length ? `; ${stage.ccLabel}: ${roles(policy, stage.cc)}${stage.ccOnlyIfNotAlreadyAware ? ' (if not already aware)' : ''}` : ''}`,
    `     Response: ${time}; by ${stage.mode.replace('_', ' ')}${stage.sender === 'raising_officer' ? '' : `, sent by ${roles(policy, [stage.sender])}`}`,
    `     Record: ${stage.recording}`,
    ...(stage.rules.length ? [`     Rules: ${stage.rules.join(', ')}`] : []),
  ];
}

function showText(policy: Policy): string {
  const limit = policy.overallLimit ? `${describeTimeSpan(policy.overallLimit)} from ${policy.overallLimit.startsAt}` : 'none stated';
  const referral = policy.outsideReferral;
  const cafcass = referral
    ? `prompt to consider a referral ${'atOverallLimit' in referral.promptAfter ? 'at the overall limit' : `after ${describeTimeSpan(referral.promptAfter)} from ${referral.promptStartsAt}`} (never automatic)`
    : 'none';
  const bypass = policy.bypass;
  const bypassText = !bypass.allowed ? 'not allowed'
    : bypass.requiresLineManagerDiscussion ? `allowed after discussion with the line manager${bypass.exceptInEmergency ? ', except in emergencies' : ''}`
    : `allowed at the ${policy.labels.officer}'s discretion${bypass.advisoryConsult ? ` (advised to consult the ${roles(policy, [bypass.advisoryConsult])})` : ''}`;
  return [
    `${policy.authority}: ${policy.labels.process} [${policy.id}, version ${policy.version} from ${policy.effectiveFrom}]`,
    `Officer: ${policy.labels.officer} (${policy.labels.officerLong}); subject: ${policy.labels.subject}`,
    '',
    'Alert types:',
    ...policy.alertTypes.map((t) => `  - ${t.label} [${t.id}, ${t.kind}]: ${t.entryStage === null ? `to ${roles(policy, t.to ?? [])}` : `starts at ${[t.entryStage, ...t.otherEntryStages].join(' or ')}`}`),
    '',
    'Stages:',
    ...policy.stages.flatMap((s, i) => stageLines(policy, s, i + 1)),
    '',
    `Bypass: ${bypassText}`,
    `Overall limit: ${limit}`,
    `Cafcass: ${cafcass}`,
    `Closure: needs ${policy.closure.requires.join(', ').replaceAll('_', ' ') || 'the officer\'s confirmation'}. ${policy.closure.record}`,
    ...(policy.emailSubjectPrefix ? [`Email subjects start: ${policy.emailSubjectPrefix}`] : []),
    '',
    'Settings where the source is silent or unclear (DOMAIN.md §7):',
    ...policy.gaps.map((g) => `  ${g.id} ${g.setting} = ${JSON.stringify(resolveSetting(policy, g.setting))}: ${g.default}`),
  ].join('\n');
}

function listText(): string {
  const rows = listPolicies();
  const width = Math.max(...rows.map((r) => r.id.length));
  return rows
    .map((r) => `${r.id.padEnd(width)}  ${r.authority}: ${r.process} (${r.officerRole.toUpperCase()}, ${r.subjectType.replace('_', ' ')}); ` +
      `${r.stages.length} stages; overall limit ${r.overallLimit ?? 'none'}${r.cafcassReferral ? '; Cafcass prompt' : ''}`)
    .join('\n');
}

/** `resolve policy list|show|check`: the escalation ladders shipped, one in full, or an authority's own file checked. */
export const policyCommand: Command = {
  name: 'policy',
  summary: 'list the escalation ladders, show one in full, or check an authority\'s own ladder file',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false } } });
    const [action, target, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(' ')}"`);
    switch (action) {
      case 'list':
        if (target !== undefined) throw new UsageError(`"policy list" takes no id; to see one ladder use "policy show ${target}"`);
        if (values.json) writeJson(io, listPolicies());
        else io.out(listText());
        return EXIT_OK;
      case 'show': {
        if (target === undefined) throw new UsageError(`give the ladder id, one of: ${listPolicies().map((p) => p.id).join(', ')}`);
        const policy = getPolicy(target);
        if (values.json) writeJson(io, policy);
        else io.out(showText(policy));
        return EXIT_OK;
      }
      case 'check': {
        if (target === undefined) throw new UsageError('give the path of the ladder file (.yaml, .yml or .json)');
        const format = FORMATS[extname(target).toLowerCase()];
        if (!format) throw new UsageError(`"${target}" must end in .yaml, .yml or .json so its format is known`);
        const policy = parsePolicy(await readFile(target, 'utf8'), format, target);
        if (values.json) writeJson(io, { ok: true, ...summarisePolicy(policy) });
        else io.out(`${target}: a valid ladder "${policy.id}" for ${policy.authority} with ${policy.stages.length} stages`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(action === undefined ? 'say what to do: list, show <id> or check <file>' : `"${action}" is not a policy action; use list, show <id> or check <file>`);
    }
  },
};
