/**
 * The application's configuration, read once from the environment (and a `.env` file in the
 * working directory, if there is one), validated, and frozen. This is the only module that looks
 * at environment variables; everything else takes the `AppConfig` (or a slice of it) as an
 * argument. `env.sample` documents every variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseLocalDate, type LocalDate } from '../domain/calendar/index.js';
import { InvalidInputError } from '../domain/errors.js';
import { policyIds } from '../domain/policies/index.js';
import { roleKeySchema, type RoleKey } from '../domain/policies/roles.js';
import { SLOT_ORDERS, type SlotOrder } from '../domain/reviews/slots.js';
import type { RegularReportSetting, ReportScheduleSettings } from '../app/reports/schedule.js';
import type { RegularReport } from '../app/reports/when.js';

/** The shipped fictional organisation (`npm run build` copies it to the same place under dist/). */
export const DEFAULT_ORG_FILE = fileURLToPath(new URL('../graph/samples/organisation.yaml', import.meta.url));
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig =
  /** `thread`: PGlite runs in a worker thread, so its statements do not hold up requests (PGLITE_THREAD). */
  | { readonly kind: 'pglite'; readonly dataDir: string; readonly thread?: boolean }
  /** `namedStatements`: a command's read and write are kept prepared on each connection (DATABASE_NAMED_STATEMENTS). */
  | { readonly kind: 'postgres'; readonly url: string; readonly namedStatements?: boolean };

/** Who a review meeting is booked as: the series' reviewing officer (IRO, FIRO, FRO), or a shared reviews mailbox. */
export type ReviewOrganiser = { readonly kind: 'officer' } | { readonly kind: 'mailbox'; readonly email: string };

/** The authority's booking settings for review meetings (REVIEW_*). */
export interface ReviewBookingConfig {
  /** The working day in Europe/London time, `HH:MM` each. */
  readonly workingHours: { readonly start: string; readonly end: string };
  readonly meetingMinutes: number;
  readonly organiser: ReviewOrganiser;
  readonly slotOrder: SlotOrder;
}

export type BotCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'secret'; readonly password: string }
  | { readonly kind: 'certificate'; readonly thumbprint: string; readonly privateKeyPath: string };

export interface AppConfig {
  /** 'azure' when a Microsoft app id is configured (JWTs validated), otherwise 'local'. */
  readonly mode: 'local' | 'azure';
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data folder (PGlite files, local .eml/.ics outboxes). */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly bot: {
    readonly appId?: string;
    readonly appType?: 'SingleTenant';
    readonly tenantId?: string;
    readonly credential: BotCredential;
    readonly displayName: string;
  };
  readonly graph: {
    readonly mode: 'local' | 'graph';
    readonly baseUrl: string;
    /** UPN of the mailbox that sends mail (Graph sendMail); required in graph mode. */
    readonly mailSender?: string;
    /** The Teams app (manifest) id, used to install the app for a user. */
    readonly teamsAppId?: string;
    /** The app's id in the organisation's catalog, when known (skips an app-only catalog lookup). */
    readonly teamsCatalogAppId?: string;
  };
  readonly directory: {
    readonly source: 'org-file' | 'entra';
    readonly orgFile: string;
    /** Entra group id for each role key (DIRECTORY_SOURCE=entra). */
    readonly roleGroups: Readonly<Partial<Record<RoleKey, string>>>;
  };
  readonly policy: { readonly authority: string; readonly file?: string };
  readonly closureDays: readonly LocalDate[];
  readonly reviews: ReviewBookingConfig;
  /** The regular reports (REPORT_*): each one switched on, when it goes and to whom; one left out is off. */
  readonly reports: ReportScheduleSettings;
  readonly logLevel: LogLevel;
  readonly publicBaseUrl?: string;
  /** Delivered outbox effects older than this many days are deleted (OUTBOX_RETENTION_DAYS); the events keep the record. */
  readonly outbox: { readonly retentionDays: number };
}

/** One variable at fault: its name, and what is wrong with it and how to fix it. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `The configuration is not valid (see env.sample for every variable):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
  }
}

const HH_MM = '([01]\\d|2[0-3]):([0-5]\\d)';
const WORKING_HOURS = new RegExp(`^${HH_MM}-${HH_MM}$`);
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const guid = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(GUID, `must be ${what} as a GUID, for example 00000000-0000-0000-0000-000000000000`)
      .optional(),
  );

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const HH_MM_ONLY = new RegExp(`^${HH_MM}$`);

/**
 * When a regular report goes, in London time: `off`, or for the weekly digest `<weekday> HH:MM`
 * (e.g. "monday 08:00"), for the others `HH:MM` on the first working day of their month.
 */
function reportWhen(kind: 'weekly' | 'time', fallback: string) {
  const example = kind === 'weekly' ? 'monday 08:00' : '08:00';
  const what = kind === 'weekly' ? 'a weekday and a 24-hour London time, for example "monday 08:00"' : 'a 24-hour London time on the first working day, for example "08:00"';
  return z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase().replace(/\s+/g, ' ') : undefined),
    z
      .string()
      .default(fallback)
      .transform((v, ctx): { readonly weekday?: number; readonly time: string } | null => {
        if (v === 'off') return null;
        const [day, time] = kind === 'weekly' ? v.split(' ') : [undefined, v];
        const weekday = day === undefined ? undefined : (WEEKDAYS as readonly string[]).indexOf(day) + 1;
        if (time === undefined || !HH_MM_ONLY.test(time) || weekday === 0 || (kind === 'weekly' && v.split(' ').length !== 2)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${what}, or "off" to send none (default ${example})` });
          return z.NEVER;
        }
        return weekday === undefined ? { time } : { weekday, time };
      }),
  );
}

/** Who gets a regular report: role keys, comma-separated. */
function reportRoles(fallback: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx): RoleKey[] => {
        const roles = v.split(',').map((r) => r.trim()).filter((r) => r !== '');
        const bad = roles.filter((r) => !roleKeySchema.safeParse(r).success);
        if (roles.length === 0 || bad.length > 0) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${bad.length > 0 ? `"${bad[0]!.slice(0, 40)}" is not a role key` : 'names no role'}: give role keys separated by commas, from ${roleKeySchema.options.join(', ')} (default ${fallback})` });
          return z.NEVER;
        }
        return [...new Set(roles)] as RoleKey[];
      }),
  );
}

const envSchema = z.object({
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .default(3978),
  ),
  HOST: z.preprocess(blankToUndefined, z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'must be an IP address or host name, for example 127.0.0.1 or 0.0.0.0').optional()),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('.data/')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL; leave it unset to use the embedded PGlite database in DATA_DIR')
      .optional(),
  ),
  DATABASE_NAMED_STATEMENTS: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
    z
      .enum(['true', 'false', '1', '0'], {
        errorMap: () => ({
          message: 'must be true or false (or 1 or 0): true keeps a command\'s two statements prepared on each PostgreSQL connection; set false behind PgBouncer in transaction mode older than 1.21 or with max_prepared_statements = 0; default true',
        }),
      })
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
  ),
  PGLITE_THREAD: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
    z
      .enum(['true', 'false', '1', '0'], { errorMap: () => ({ message: 'must be true or false (or 1 or 0): true runs the embedded PGlite database in a worker thread so long statements do not hold up requests; default true' }) })
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
  ),
  MicrosoftAppId: guid('the Azure Bot / Entra app registration client id'),
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: optionalText,
  MicrosoftAppTenantId: guid("your organisation's Entra tenant id"),
  MicrosoftAppCertificateThumbprint: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[0-9a-f]{40}$/i, 'must be the certificate SHA-1 thumbprint: 40 hexadecimal characters')
      .optional(),
  ),
  MicrosoftAppCertificatePrivateKey: optionalText,
  GRAPH_MODE: z.preprocess(
    blankToUndefined,
    z.enum(['local', 'graph'], { errorMap: () => ({ message: 'must be "local" (files in DATA_DIR) or "graph" (Microsoft Graph)' }) }).optional(),
  ),
  GRAPH_BASE_URL: z.preprocess(
    blankToUndefined,
    z.string().trim().url('must be a URL such as https://graph.microsoft.com').default(DEFAULT_GRAPH_BASE_URL),
  ),
  DIRECTORY_SOURCE: z.preprocess(
    blankToUndefined,
    z
      .enum(['org-file', 'entra'], { errorMap: () => ({ message: 'must be "org-file" (an organisation file) or "entra" (Entra ID through Graph)' }) })
      .default('org-file'),
  ),
  ORG_FILE: z.preprocess(blankToUndefined, z.string().default(DEFAULT_ORG_FILE)),
  ENTRA_ROLE_GROUPS: optionalText,
  AUTHORITY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .toLowerCase()
      .transform((key) => key.replace(/-/g, '_'))
      .refine((key) => policyIds().includes(key), {
        message: `must name a built-in ladder: one of ${policyIds().join(', ')} (or set POLICY_FILE to your own)`,
      })
      .default('oxfordshire'),
  ),
  POLICY_FILE: optionalText,
  MAIL_SENDER: z.preprocess(blankToUndefined, z.string().trim().email('must be the sending mailbox as an address, for example resolve@northmoor.example').optional()),
  BOT_DISPLAY_NAME: z.preprocess(blankToUndefined, z.string().trim().max(30, 'must be at most 30 characters (the Teams short name limit)').default('Resolve')),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
  ),
  PUBLIC_BASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .url('must be an absolute URL such as https://resolve.northmoor.example')
      .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(u), 'must use https (http is accepted for localhost only)')
      .optional(),
  ),
  TEAMS_APP_ID: guid('the Teams app id (the "id" in the app manifest)'),
  TEAMS_CATALOG_APP_ID: guid("the app's id in your organisation's Teams app catalog"),
  CLOSURE_DAYS: optionalText,
  REVIEW_WORKING_HOURS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(WORKING_HOURS, 'must be the working day as HH:MM-HH:MM in 24-hour London time, for example 09:00-17:00')
      .transform((v) => ({ start: v.slice(0, 5), end: v.slice(6, 11) }))
      .refine((h) => minutesOf(h.end) > minutesOf(h.start), 'must end after it starts, for example 09:00-17:00')
      .default('09:00-17:00'),
  ),
  REVIEW_MEETING_MINUTES: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of minutes, for example 90' })
      .int('must be a whole number of minutes, for example 90')
      .min(15, 'must be at least 15 minutes')
      .max(480, 'must be at most 480 minutes (8 hours)')
      .default(90),
  ),
  REVIEW_ORGANISER: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((v) => v.toLowerCase() === 'officer' || z.string().email().safeParse(v).success, {
        message: 'must be "officer" (each series\' reviewing officer\'s calendar) or the address of a shared reviews mailbox, for example reviews@northmoor.example',
      })
      .transform((v): ReviewOrganiser => (v.toLowerCase() === 'officer' ? { kind: 'officer' } : { kind: 'mailbox', email: v.toLowerCase() }))
      .default('officer'),
  ),
  OUTBOX_RETENTION_DAYS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of days, for example 30' })
      .int('must be a whole number of days, for example 30')
      .min(1, 'must be at least 1 day: a delivered effect is kept at least that long')
      .max(3650, 'must be at most 3650 days (10 years)')
      .default(30),
  ),
  REVIEW_SLOT_ORDER: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
    z.enum(SLOT_ORDERS, { errorMap: () => ({ message: 'must be "soonest" (the earliest times first) or "one-per-day" (at most one time a day while other days have room)' }) }).default('soonest'),
  ),
  REPORT_WEEKLY_DIGEST: reportWhen('weekly', 'monday 08:00'),
  REPORT_WEEKLY_DIGEST_ROLES: reportRoles('director,deputy_director,head_of_service'),
  REPORT_MONTHLY_THEMATIC: reportWhen('time', '08:00'),
  REPORT_MONTHLY_THEMATIC_ROLES: reportRoles('director,deputy_director,head_of_service,sm_quality_assurance'),
  REPORT_QUARTERLY_THEMES: reportWhen('time', '08:00'),
  REPORT_QUARTERLY_THEMES_ROLES: reportRoles('head_of_service,service_manager,sm_quality_assurance'),
  REPORT_ANNUAL: reportWhen('time', '08:00'),
  REPORT_ANNUAL_ROLES: reportRoles('director,deputy_director,head_of_service,sm_quality_assurance'),
});

type Env = z.infer<typeof envSchema>;

/** Every environment variable Resolve reads (each is documented in env.sample). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

function parseClosureDays(raw: string | undefined, problems: ConfigProblem[]): LocalDate[] {
  if (raw === undefined) return [];
  const days: LocalDate[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    try {
      days.push(parseLocalDate(part, 'CLOSURE_DAYS'));
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      problems.push({ variable: 'CLOSURE_DAYS', problem: `${e.message.replace(/^CLOSURE_DAYS /, '')} (a comma-separated list)` });
    }
  }
  return [...new Set(days)].sort();
}

function parseRoleGroups(raw: string | undefined, problems: ConfigProblem[]): Partial<Record<RoleKey, string>> {
  const groups: Partial<Record<RoleKey, string>> = {};
  if (raw === undefined) return groups;
  for (const pair of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [role = '', groupId = ''] = pair.split('=').map((s) => s.trim());
    const key = roleKeySchema.safeParse(role);
    if (!key.success) {
      problems.push({ variable: 'ENTRA_ROLE_GROUPS', problem: `"${role}" is not a role key; use one of ${roleKeySchema.options.join(', ')}` });
    } else if (!GUID.test(groupId)) {
      problems.push({ variable: 'ENTRA_ROLE_GROUPS', problem: `the group for "${role}" must be an Entra group object id (GUID), written role=group-id` });
    } else {
      groups[key.data] = groupId;
    }
  }
  return groups;
}

function botCredential(env: Env, problems: ConfigProblem[]): BotCredential {
  const { MicrosoftAppPassword: password, MicrosoftAppCertificateThumbprint: thumbprint, MicrosoftAppCertificatePrivateKey: keyPath } = env;
  if (env.MicrosoftAppId === undefined) {
    for (const [variable, value] of Object.entries({
      MicrosoftAppPassword: password,
      MicrosoftAppType: env.MicrosoftAppType,
      MicrosoftAppTenantId: env.MicrosoftAppTenantId,
      MicrosoftAppCertificateThumbprint: thumbprint,
      MicrosoftAppCertificatePrivateKey: keyPath,
    })) {
      if (value !== undefined) problems.push({ variable, problem: 'is set but MicrosoftAppId is not: set MicrosoftAppId too, or unset this for local mode' });
    }
    return { kind: 'none' };
  }
  if (env.MicrosoftAppType === undefined) {
    problems.push({ variable: 'MicrosoftAppType', problem: 'is required with MicrosoftAppId: set it to SingleTenant' });
  } else if (env.MicrosoftAppType === 'MultiTenant') {
    problems.push({ variable: 'MicrosoftAppType', problem: 'MultiTenant is refused: Resolve serves one council tenant and must reject every other tenant; register the Azure Bot as SingleTenant' });
  } else if (env.MicrosoftAppType === 'UserAssignedMSI') {
    problems.push({ variable: 'MicrosoftAppType', problem: 'UserAssignedMSI is refused: Resolve needs an app registration with a client secret or certificate for app-only Microsoft Graph; use SingleTenant' });
  } else if (env.MicrosoftAppType !== 'SingleTenant') {
    problems.push({ variable: 'MicrosoftAppType', problem: `"${env.MicrosoftAppType}" is not an app type: set it to SingleTenant` });
  }
  if (env.MicrosoftAppTenantId === undefined) {
    problems.push({ variable: 'MicrosoftAppTenantId', problem: "is required with MicrosoftAppId: set it to your organisation's Entra tenant id (a SingleTenant bot accepts only that tenant)" });
  }
  const hasCertificate = thumbprint !== undefined || keyPath !== undefined;
  if (password !== undefined && hasCertificate) {
    problems.push({ variable: 'MicrosoftAppPassword', problem: 'is set together with a certificate: use either a client secret or a certificate, not both' });
    return { kind: 'none' };
  }
  if (password !== undefined) return { kind: 'secret', password };
  if (!hasCertificate) {
    problems.push({ variable: 'MicrosoftAppPassword', problem: 'is required with MicrosoftAppId, unless a certificate is given (MicrosoftAppCertificateThumbprint and MicrosoftAppCertificatePrivateKey)' });
    return { kind: 'none' };
  }
  if (thumbprint === undefined) {
    problems.push({ variable: 'MicrosoftAppCertificateThumbprint', problem: 'is required with MicrosoftAppCertificatePrivateKey: set the certificate SHA-1 thumbprint' });
  }
  if (keyPath === undefined) {
    problems.push({ variable: 'MicrosoftAppCertificatePrivateKey', problem: 'is required with MicrosoftAppCertificateThumbprint: set the path of the PEM file holding the private key' });
  } else if (!existsSync(keyPath)) {
    problems.push({ variable: 'MicrosoftAppCertificatePrivateKey', problem: `there is no file at ${keyPath}: give the path of the PEM file holding the private key` });
  }
  return thumbprint !== undefined && keyPath !== undefined ? { kind: 'certificate', thumbprint, privateKeyPath: keyPath } : { kind: 'none' };
}

const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/s;

/**
 * What is wrong with a `.env` file's text, by line number only: a line may hold a secret, so
 * no line's text is ever repeated. `util.parseEnv` skips or mangles such lines silently.
 */
function envFileFaults(text: string): string[] {
  const faults: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ENV_LINE.exec(line);
    if (match === null) {
      faults.push(`line ${i + 1} is not NAME=value (a name is letters, digits and underscores; a comment starts with #)`);
      continue;
    }
    const value = match[2]!;
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    if (value.indexOf(quote, 1) !== -1) continue;
    // A quoted value may run over several lines, up to the line holding its closing quote.
    const closing = lines.findIndex((l, j) => j > i && l.includes(quote));
    if (closing === -1) {
      faults.push(`line ${i + 1} opens a ${quote} quote that is never closed`);
      break;
    }
    i = closing;
  }
  return faults;
}

/**
 * The environment to configure from: `env` (the process environment by default) over the
 * variables of the `.env` file in `cwd`, when that file exists, so a variable set in the real
 * environment always wins. Throws a `ConfigError` naming the file when it cannot be read or a
 * line of it is not NAME=value.
 */
export function readEnvironment(options: { cwd?: string; env?: NodeJS.ProcessEnv; file?: string } = {}): NodeJS.ProcessEnv {
  const env = options.env ?? process.env;
  const file = path.resolve(options.cwd ?? process.cwd(), options.file ?? '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ...env };
    throw new ConfigError([{ variable: file, problem: `could not be read${code !== undefined ? ` (${code})` : ''}: make it a readable file of NAME=value lines, or remove it and set the variables in the environment` }]);
  }
  const faults = envFileFaults(text);
  if (faults.length > 0) throw new ConfigError(faults.map((problem) => ({ variable: file, problem })));
  return { ...parseEnv(text), ...env };
}

/** The regular reports' settings from REPORT_* (each already checked on its own). */
function reportSettings(e: Env): ReportScheduleSettings {
  const settings: Partial<Record<RegularReport, RegularReportSetting>> = {};
  const digest = e.REPORT_WEEKLY_DIGEST;
  if (digest !== null) settings['weekly-digest'] = { timing: { report: 'weekly-digest', weekday: digest.weekday ?? 1, time: digest.time }, roles: e.REPORT_WEEKLY_DIGEST_ROLES };
  const others = [
    ['monthly-thematic', e.REPORT_MONTHLY_THEMATIC, e.REPORT_MONTHLY_THEMATIC_ROLES],
    ['quarterly-themes', e.REPORT_QUARTERLY_THEMES, e.REPORT_QUARTERLY_THEMES_ROLES],
    ['annual', e.REPORT_ANNUAL, e.REPORT_ANNUAL_ROLES],
  ] as const;
  for (const [report, when, roles] of others) if (when !== null) settings[report] = { timing: { report, time: when.time }, roles };
  return settings;
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates the configuration. Throws a `ConfigError` naming every variable at
 * fault, so a bad deployment fails at start-up rather than on the first alert.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<AppConfig> {
  const problems: ConfigProblem[] = [];
  // Each variable is checked on its own so that one error lists them all; a variable at fault
  // keeps its raw value for the checks across variables below, and nothing is built from it.
  const values: Record<string, unknown> = {};
  const malformed = new Set<string>();
  for (const [variable, schema] of Object.entries(envSchema.shape) as [string, z.ZodTypeAny][]) {
    const result = schema.safeParse(env[variable]);
    if (result.success) values[variable] = result.data;
    else {
      values[variable] = env[variable];
      malformed.add(variable);
      problems.push(...result.error.issues.map((i) => ({ variable, problem: i.message })));
    }
  }
  const firstCrossCheck = problems.length;
  const e = values as Env;
  const credential = botCredential(e, problems);
  const appId = e.MicrosoftAppId;
  const mode = appId === undefined ? 'local' : 'azure';

  const host = e.HOST ?? (appId === undefined ? '127.0.0.1' : '0.0.0.0');
  if (appId === undefined && !LOOPBACK.has(host)) {
    problems.push({ variable: 'HOST', problem: `${host} would expose a bot that checks no tokens: without MicrosoftAppId it listens on loopback only; unset HOST or set MicrosoftAppId` });
  }

  const graphMode = e.GRAPH_MODE ?? (appId === undefined ? 'local' : 'graph');
  if (graphMode === 'graph') {
    if (appId === undefined) problems.push({ variable: 'GRAPH_MODE', problem: 'graph needs an app registration: set MicrosoftAppId, MicrosoftAppTenantId and a secret or certificate, or use GRAPH_MODE=local' });
    if (e.MAIL_SENDER === undefined) problems.push({ variable: 'MAIL_SENDER', problem: 'is required when GRAPH_MODE=graph: set the UPN of the mailbox Resolve sends from' });
    if (e.TEAMS_APP_ID === undefined) problems.push({ variable: 'TEAMS_APP_ID', problem: 'is required when GRAPH_MODE=graph: set the id from the Teams app manifest, so the app can be installed for people who have not used it yet' });
  }
  if (e.DIRECTORY_SOURCE === 'entra') {
    if (graphMode !== 'graph') problems.push({ variable: 'DIRECTORY_SOURCE', problem: 'entra reads Entra ID through Microsoft Graph: set GRAPH_MODE=graph (with an app registration), or use org-file' });
    if (e.ENTRA_ROLE_GROUPS === undefined) problems.push({ variable: 'ENTRA_ROLE_GROUPS', problem: 'is required when DIRECTORY_SOURCE=entra: map roles to groups, for example head_of_service=<group id>,business_support=<group id>' });
  } else if (!existsSync(e.ORG_FILE)) {
    problems.push({ variable: 'ORG_FILE', problem: `there is no file at ${e.ORG_FILE}: give the path of the organisation YAML or JSON file (see graph/samples/README.md)` });
  }
  if (e.POLICY_FILE !== undefined && !existsSync(e.POLICY_FILE)) {
    problems.push({ variable: 'POLICY_FILE', problem: `there is no file at ${e.POLICY_FILE}: give the path of a ladder YAML or JSON file, or unset it to use AUTHORITY's built-in ladder` });
  }
  if (!malformed.has('REVIEW_WORKING_HOURS') && !malformed.has('REVIEW_MEETING_MINUTES')) {
    const day = minutesOf(e.REVIEW_WORKING_HOURS.end) - minutesOf(e.REVIEW_WORKING_HOURS.start);
    if (e.REVIEW_MEETING_MINUTES > day) {
      problems.push({
        variable: 'REVIEW_MEETING_MINUTES',
        problem: `a ${e.REVIEW_MEETING_MINUTES}-minute meeting does not fit in the working day of REVIEW_WORKING_HOURS (${e.REVIEW_WORKING_HOURS.start}-${e.REVIEW_WORKING_HOURS.end}, ${day} minutes): shorten the meeting or lengthen the working hours`,
      });
    }
  }
  const closureDays = parseClosureDays(e.CLOSURE_DAYS, problems);
  const roleGroups = parseRoleGroups(e.ENTRA_ROLE_GROUPS, problems);
  // A malformed variable is reported once, for its form, not again by the checks across variables.
  const reported = [...problems.slice(0, firstCrossCheck), ...problems.slice(firstCrossCheck).filter((p) => !malformed.has(p.variable))];
  if (reported.length > 0) throw new ConfigError(reported);

  const dataDir = path.resolve(e.DATA_DIR);
  const config: AppConfig = {
    mode,
    port: e.PORT,
    host,
    dataDir,
    database: e.DATABASE_URL !== undefined ? { kind: 'postgres', url: e.DATABASE_URL, namedStatements: e.DATABASE_NAMED_STATEMENTS } : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite'), thread: e.PGLITE_THREAD },
    bot: {
      ...(appId !== undefined && { appId, appType: 'SingleTenant' as const, tenantId: e.MicrosoftAppTenantId }),
      credential,
      displayName: e.BOT_DISPLAY_NAME,
    },
    graph: {
      mode: graphMode,
      baseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
      ...(e.MAIL_SENDER !== undefined && { mailSender: e.MAIL_SENDER }),
      ...(e.TEAMS_APP_ID !== undefined && { teamsAppId: e.TEAMS_APP_ID }),
      ...(e.TEAMS_CATALOG_APP_ID !== undefined && { teamsCatalogAppId: e.TEAMS_CATALOG_APP_ID }),
    },
    directory: { source: e.DIRECTORY_SOURCE, orgFile: path.resolve(e.ORG_FILE), roleGroups },
    policy: { authority: e.AUTHORITY, ...(e.POLICY_FILE !== undefined && { file: path.resolve(e.POLICY_FILE) }) },
    closureDays,
    reviews: {
      workingHours: e.REVIEW_WORKING_HOURS,
      meetingMinutes: e.REVIEW_MEETING_MINUTES,
      organiser: e.REVIEW_ORGANISER,
      slotOrder: e.REVIEW_SLOT_ORDER,
    },
    reports: reportSettings(e),
    logLevel: e.LOG_LEVEL,
    outbox: { retentionDays: e.OUTBOX_RETENTION_DAYS },
    ...(e.PUBLIC_BASE_URL !== undefined && { publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, '') }),
  };
  return deepFreeze(config);
}

/** What `npm run package` needs to fill the Teams manifest; no secrets required. */
export interface ManifestSettings {
  readonly teamsAppId: string;
  readonly botId: string;
  readonly publicBaseUrl: string;
  readonly botDisplayName: string;
}

/**
 * Reads the manifest settings: TEAMS_APP_ID, MicrosoftAppId (the bot id), PUBLIC_BASE_URL and
 * BOT_DISPLAY_NAME, from `overrides` (command-line values) over the environment (by default the
 * process environment over `.env`, see `readEnvironment`). Throws a
 * `ConfigError` naming each one missing or at fault.
 */
export function loadManifestSettings(overrides: NodeJS.ProcessEnv = {}, environment: NodeJS.ProcessEnv = readEnvironment()): ManifestSettings {
  const env = { ...environment, ...overrides };
  const problems: ConfigProblem[] = [];
  const read = <K extends 'TEAMS_APP_ID' | 'MicrosoftAppId' | 'PUBLIC_BASE_URL' | 'BOT_DISPLAY_NAME'>(variable: K, why: string): Env[K] | undefined => {
    const result = envSchema.shape[variable].safeParse(env[variable]);
    if (!result.success) problems.push(...result.error.issues.map((i) => ({ variable, problem: i.message })));
    else if (result.data === undefined) problems.push({ variable, problem: `is required to build the Teams app package: ${why}` });
    return result.success ? (result.data as Env[K]) : undefined;
  };
  const teamsAppId = read('TEAMS_APP_ID', 'set the app id (a GUID you generate once and keep, e.g. with `node -e "console.log(crypto.randomUUID())"`)');
  const botId = read('MicrosoftAppId', "set the Azure Bot's Microsoft app id");
  const publicBaseUrl = read('PUBLIC_BASE_URL', "set the bot's public https origin (its domain goes into validDomains)");
  const botDisplayName = read('BOT_DISPLAY_NAME', 'set the name Teams shows');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ teamsAppId: teamsAppId!, botId: botId!, publicBaseUrl: publicBaseUrl!.replace(/\/+$/, ''), botDisplayName: botDisplayName! });
}
