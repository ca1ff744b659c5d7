import { z } from 'zod';
import { parseDocument } from 'yaml';
import { InvalidInputError } from '../errors.js';
import { isLocalDate } from '../calendar/index.js';
import { ROLE_KEYS } from './roles.js';
import { policySchema, type Policy } from './schema.js';
import { resolveSetting } from './settings.js';

/** One thing wrong with a ladder file: where (`stages[2].to[0]`) and what. */
export interface PolicyFault {
  readonly path: string;
  readonly message: string;
}

/** A ladder refused, with every fault listed by path. */
export class PolicyFileError extends InvalidInputError {
  constructor(
    readonly faults: readonly PolicyFault[],
    what = 'the ladder',
  ) {
    super(
      `${what} has ${faults.length} ${faults.length === 1 ? 'fault' : 'faults'}; correct ${faults.length === 1 ? 'it' : 'them'} and load it again:\n` +
        faults.map((f) => `- ${f.path || '(top level)'}: ${f.message}`).join('\n'),
      faults[0]?.path,
    );
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}

function notOneOf(received: unknown, options: readonly unknown[]): string {
  const opts = options.map(String);
  if (opts.length >= ROLE_KEYS.length - 1 && ROLE_KEYS.every((r) => opts.includes(r))) {
    return `${JSON.stringify(received)} is not a known role; known roles: ${opts.join(', ')}`;
  }
  return `${JSON.stringify(received)} is not one of: ${opts.join(', ')}`;
}

function describe(issue: z.ZodIssue): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_enum_value:
      return notOneOf(issue.received, issue.options);
    case z.ZodIssueCode.invalid_literal:
      return `must be ${JSON.stringify(issue.expected)}, not ${JSON.stringify(issue.received)}`;
    case z.ZodIssueCode.unrecognized_keys:
      return `${issue.keys.map((k) => `"${k}"`).join(', ')} ${issue.keys.length === 1 ? 'is not a setting' : 'are not settings'} here; check the spelling`;
    case z.ZodIssueCode.invalid_type:
      return issue.received === 'undefined' ? 'is required' : `must be ${issue.expected}, not ${issue.received}`;
    case z.ZodIssueCode.invalid_union: {
      const options = issue.unionErrors.flatMap((e) =>
        e.issues.flatMap((i) =>
          i.code === z.ZodIssueCode.invalid_enum_value ? i.options
            : i.code === z.ZodIssueCode.invalid_literal ? [i.expected] : []));
      const received = issue.unionErrors
        .flatMap((e) => e.issues)
        .find((i) => i.code === z.ZodIssueCode.invalid_enum_value);
      if (options.length > 0 && received && received.code === z.ZodIssueCode.invalid_enum_value) {
        return notOneOf(received.received, options);
      }
      const first = issue.unionErrors[0]?.issues[0];
      return first ? describe(first) : issue.message;
    }
    default:
      return issue.message;
  }
}

function schemaFaults(error: z.ZodError): PolicyFault[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describe(issue) }));
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): Loose[] => (Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : []);
const stringIn = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Rules that span fields. They read the raw input defensively, so they run even when the
 * schema has already found faults, and every fault is reported in one pass.
 */
export function crossFieldFaults(input: unknown, withDefaults: unknown = input): PolicyFault[] {
  if (!isObject(input)) return [];
  const faults: PolicyFault[] = [];
  const add = (path: string, message: string) => faults.push({ path, message });

  const stages = listOf(input.stages);
  const stageIds = stages.map((s) => stringIn(s.id));
  const known = stageIds.filter((s): s is string => s !== undefined);
  const stageList = known.join(', ') || '(none)';
  const checkStage = (path: string, value: unknown) => {
    if (typeof value === 'string' && !known.includes(value)) {
      add(path, `"${value}" is not a stage of this ladder; stages: ${stageList}`);
    }
  };

  const uniqueIds = (items: Loose[], name: string) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const id = stringIn(item.id);
      if (id === undefined) return;
      const earlier = first.get(id);
      if (earlier !== undefined) add(`${name}[${i}].id`, `"${id}" is already the id of ${name}[${earlier}]; ids must be unique`);
      else first.set(id, i);
    });
  };
  uniqueIds(stages, 'stages');
  uniqueIds(listOf(input.alertTypes), 'alertTypes');
  uniqueIds(listOf(input.severityFlags), 'severityFlags');

  stages.forEach((stage, i) => {
    const target = stringIn(stage.escalatesTo);
    if (target !== undefined) {
      checkStage(`stages[${i}].escalatesTo`, target);
      const at = stageIds.indexOf(target);
      if (at !== -1 && at <= i) add(`stages[${i}].escalatesTo`, `"${target}" comes before or at this stage; escalation only moves up the ladder`);
    }
    const timed = stage.responseTime !== null && stage.responseTime !== undefined;
    if (!timed && stage.responseTimeIsMaximum === true) {
      add(`stages[${i}].responseTimeIsMaximum`, 'a stage with no response time cannot treat it as a maximum; set responseTime or remove this');
    }
    if (!timed && stage.customDueDate === 'within_maximum') {
      add(`stages[${i}].customDueDate`, '"within_maximum" needs a responseTime to be the maximum; use "allowed"');
    }
    if (Array.isArray(stage.to) && Array.isArray(stage.cc)) {
      const both = stage.cc.filter((r) => (stage.to as unknown[]).includes(r));
      if (both.length > 0) add(`stages[${i}].cc`, `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} already in "to"; a role is either To or CC`);
    }
  });

  listOf(input.alertTypes).forEach((type, i) => {
    const entry = type.entryStage;
    if (type.kind === 'notification' && entry !== null && entry !== undefined) {
      add(`alertTypes[${i}].entryStage`, 'a notification has no ladder; set entryStage to null');
    }
    if ((type.kind === 'alert' || type.kind === 'dispute') && entry === null) {
      add(`alertTypes[${i}].entryStage`, `an ${String(type.kind)} needs the stage it starts at; stages: ${stageList}`);
    }
    if (type.kind === 'notification' && (!Array.isArray(type.to) || type.to.length === 0)) {
      add(`alertTypes[${i}].to`, 'a notification has no stage, so it must name who it goes To');
    }
    checkStage(`alertTypes[${i}].entryStage`, entry);
    if (Array.isArray(type.otherEntryStages)) {
      type.otherEntryStages.forEach((s, j) => checkStage(`alertTypes[${i}].otherEntryStages[${j}]`, s));
    }
    if (type.recipientsAtEntry === 'add_at_entry') {
      if (type.kind === 'notification') {
        add(`alertTypes[${i}].recipientsAtEntry`, 'a notification has no stage to add its recipients to; remove this');
      } else if (!(Array.isArray(type.to) && type.to.length > 0) && !(Array.isArray(type.cc) && type.cc.length > 0)) {
        add(`alertTypes[${i}].recipientsAtEntry`, '"add_at_entry" adds the type\'s own to / cc to the entry stage\'s, but this type names none; give to or cc');
      }
    }
  });

  // AMB-31: a heading with no type to head is the fault the 2026 audit found; a headed type needs the heading.
  const headed = listOf(input.alertTypes).filter((t) => t.emailsHeaded === true);
  const prefix = input.emailSubjectPrefix;
  if (typeof prefix === 'string' && headed.length === 0) {
    add('emailSubjectPrefix', 'no alert type uses this heading; set emailsHeaded: true on the alert types whose emails it heads, or remove it');
  }
  listOf(input.alertTypes).forEach((type, i) => {
    if (type.emailsHeaded === true && (prefix === null || prefix === undefined)) {
      add(`alertTypes[${i}].emailsHeaded`, 'this ladder has no emailSubjectPrefix to head the emails with; set one or remove this');
    }
  });

  listOf(input.severityFlags).forEach((flag, i) => checkStage(`severityFlags[${i}].suggestsEntryStage`, flag.suggestsEntryStage));

  const bypass = isObject(input.bypass) ? input.bypass : {};
  if (bypass.allowed === false && bypass.requiresLineManagerDiscussion === true) {
    add('bypass.requiresLineManagerDiscussion', 'bypass is not allowed, so it cannot have a precondition; set allowed: true or this to false');
  }
  if (bypass.exceptInEmergency === true && bypass.requiresLineManagerDiscussion !== true) {
    add('bypass.exceptInEmergency', 'an emergency exception only makes sense when a line-manager discussion is required');
  }

  const referral = input.outsideReferral;
  if (isObject(referral)) {
    if (input.subjectType === 'foster_carer') {
      add('outsideReferral', 'Cafcass referral is for children\'s cases only (DOMAIN.md §2.5); set it to null for a foster-carer ladder');
    }
    const promptAfter = referral.promptAfter;
    if (isObject(promptAfter) && promptAfter.atOverallLimit === true && input.overallLimit === null) {
      add('outsideReferral.promptAfter.atOverallLimit', 'this ladder has no overall limit to prompt at; give workingDays or calendarDays');
    }
    // ESC-C3: the prompt to consider a referral never comes before the referral is offered.
    const earliest = referral.earliest;
    if (isObject(earliest) && isObject(promptAfter)) {
      const promptSpan = promptAfter.atOverallLimit === true && isObject(input.overallLimit)
        ? { span: input.overallLimit, startsAt: input.overallLimit.startsAt }
        : { span: promptAfter, startsAt: referral.promptStartsAt };
      for (const unit of ['workingDays', 'calendarDays'] as const) {
        const prompt = promptSpan.span[unit];
        const from = earliest[unit];
        if (typeof prompt === 'number' && typeof from === 'number' && promptSpan.startsAt === earliest.startsAt && prompt < from) {
          add('outsideReferral.promptAfter', `the prompt to consider a referral (${prompt} ${unit === 'workingDays' ? 'working days' : 'days'}) would come before the referral is offered (${from}); prompt at or after outsideReferral.earliest`);
        }
      }
    }
  }

  const checkDate = (path: string, value: unknown) => {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !isLocalDate(value)) {
      add(path, `${value} is not a date in the calendar`);
    }
  };
  checkDate('effectiveFrom', input.effectiveFrom);
  listOf(input.suspensionWindows).forEach((w, i) => {
    checkDate(`suspensionWindows[${i}].from`, w.from);
    checkDate(`suspensionWindows[${i}].to`, w.to);
    if (isLocalDate(w.from) && isLocalDate(w.to) && w.from > w.to) {
      add(`suspensionWindows[${i}].to`, `the window ends (${w.to}) before it starts (${w.from})`);
    }
  });

  listOf(input.gaps).forEach((gap, i) => {
    const setting = stringIn(gap.setting);
    if (setting !== undefined && resolveSetting(withDefaults, setting) === undefined) {
      add(`gaps[${i}].setting`, `"${setting}" names no setting in this ladder; write a path such as "stages.stage_2.responseTime"`);
    }
  });

  return faults;
}

/**
 * Check a ladder given as plain data (an authority module or a parsed file). Returns the
 * ladder with defaults filled in, or throws a PolicyFileError listing every fault by path.
 */
export function validatePolicy(input: unknown, what?: string): Policy {
  const parsed = policySchema.safeParse(input);
  const faults = [...(parsed.success ? [] : schemaFaults(parsed.error)), ...crossFieldFaults(input, parsed.success ? parsed.data : input)];
  if (faults.length > 0 || !parsed.success) throw new PolicyFileError(faults, what);
  return parsed.data;
}

/**
 * An authority's own ladder file, as JSON or YAML text. Pure: the caller reads the file.
 * Syntax errors are listed by line; a well-formed file is then checked like any ladder.
 */
export function parsePolicy(text: string, format: 'json' | 'yaml', what = 'the ladder file'): Policy {
  let data: unknown;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new PolicyFileError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }], what);
    }
  } else if (format === 'yaml') {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new PolicyFileError(
        doc.errors.map((e) => ({
          path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
          message: `not valid YAML: ${(e.message.split(/ at line \d+|\n/)[0] ?? e.code).trim()}`,
        })),
        what,
      );
    }
    data = doc.toJS();
  } else {
    throw new InvalidInputError(`format "${String(format)}" is not supported; use "json" or "yaml"`, 'format');
  }
  return validatePolicy(data, what);
}
