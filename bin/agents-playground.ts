/**
 * Starting the bot and Microsoft 365 Agents Playground as child processes, for
 * `npm run playground` and the end-to-end test, and deciding first whether a bot is already
 * running (the PGlite data folder serves one process, so a second bot cannot start beside it).
 * Development tooling only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Readable } from 'node:stream';
import type { OrganisationFile } from '../graph/directory/index.js';
import { folderLockOwner } from '../store/folder-lock.js';
import type { DatabaseConfig } from './config.js';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The fictional tenant the playground's mock users belong to. */
export const PLAYGROUND_TENANT_ID = '5b0a8e8e-3c1d-4a57-9b2f-6f7e1d0c9a41';
export const DEFAULT_PLAYGROUND_PORT = 56150;

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function manage(child: ChildProcess): ManagedProcess {
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    child,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers with a status below 500, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, alive?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (alive !== undefined && (alive.child.exitCode !== null || alive.child.signalCode !== null)) {
      throw new Error(`the process serving ${url} exited before it answered`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The playground's mock tenant and users, taken from the organisation file (ids are Entra object ids). */
export function playgroundConfig(org: OrganisationFile, currentUserId: string): string {
  const user = (person: OrganisationFile['people'][number], index: number) => {
    const [givenName = person.name, ...rest] = person.name.split(' ');
    return {
      id: `user-id-${index}`,
      name: person.name,
      userPrincipleName: person.email,
      aadObjectId: person.id,
      givenName,
      surname: rest.join(' ') || givenName,
      email: person.email,
    };
  };
  const current = org.people.find((p) => p.id === currentUserId);
  if (current === undefined) throw new Error(`the playground user ${currentUserId} is not in the organisation file`);
  const others = playgroundCast(org, currentUserId);
  return stringify({
    version: '0.1.1',
    tenantId: PLAYGROUND_TENANT_ID,
    bot: { id: '00000000-0000-0000-0000-00000000000b', name: 'Resolve' },
    currentUser: user(current, 0),
    users: others.map((p, i) => user(p, i + 1)),
    personalChat: { id: '__PERSONAL_CHAT_ID__' },
    groupChat: { id: '__GROUP_CHAT_ID__', name: 'Review team chat' },
    team: { id: 'team-id', name: 'Children in Care', aadGroupId: '00000000-0000-0000-0000-0000000000c1', channels: [{ id: 'channel-reviews-id', name: 'Reviews' }] },
  });
}

/** The playground allows at most this many mock users besides the signed-in one. */
const MAX_OTHER_USERS = 5;

/**
 * Who else appears in the playground: the first team's role holders (team manager, practice
 * supervisor, operations manager, head of service) and a social worker from it, so the people
 * an alert goes to can be picked there.
 */
function playgroundCast(org: OrganisationFile, currentUserId: string): OrganisationFile['people'] {
  const team = org.teams[0];
  const roles = team === undefined ? {} : (team.roles as Record<string, string | readonly string[] | undefined>);
  const holders = ['team_manager', 'practice_supervisor', 'operations_manager', 'head_of_service'].flatMap((role) => roles[role] ?? []);
  const worker = team?.members.find((id) => !holders.includes(id));
  const ids = [...new Set([...holders, ...(worker === undefined ? [] : [worker]), ...org.people.map((p) => p.id)])];
  return ids
    .filter((id) => id !== currentUserId)
    .slice(0, MAX_OTHER_USERS)
    .map((id) => org.people.find((p) => p.id === id)!);
}

export interface PlaygroundOptions {
  /** e.g. http://127.0.0.1:3978/api/messages */
  readonly botEndpoint: string;
  readonly port: number;
  readonly org: OrganisationFile;
  /** Entra object id of the signed-in mock user. */
  readonly currentUserId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdio?: 'inherit' | 'ignore';
}

export interface RunningPlayground extends ManagedProcess {
  readonly url: string;
}

/**
 * Starts Agents Playground in a scratch folder (its config file and log go there) with a
 * do-nothing `xdg-open` first on PATH: without a browser opener it would exit at start.
 */
export async function startAgentsPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'resolve-playground-'));
  const opener = path.join(workDir, 'xdg-open');
  await writeFile(opener, '#!/bin/sh\nexit 0\n');
  await chmod(opener, 0o755);
  const configPath = path.join(workDir, '.m365agentsplayground.yml');
  await writeFile(configPath, playgroundConfig(options.org, options.currentUserId));

  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(process.execPath, [cli, '-e', options.botEndpoint, '-c', 'msteams', '-p', String(options.port), '--dt'], {
    cwd: workDir,
    env: {
      ...options.env,
      PATH: `${workDir}${path.delimiter}${options.env.PATH ?? ''}`,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'playground.log'),
    },
    stdio: options.stdio ?? 'inherit',
  });
  const process_ = manage(child);
  const managed: ManagedProcess = {
    ...process_,
    stop: async (graceMs) => {
      await process_.stop(graceMs);
      await rm(workDir, { recursive: true, force: true });
    },
  };
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(url, 60_000, managed);
  } catch (error) {
    const log = await readFile(path.join(workDir, 'playground.log'), 'utf8').catch(() => '');
    const reasons = log.split('\n').filter((line) => line.startsWith('error ')).join('\n');
    await managed.stop();
    throw new Error(`Agents Playground did not start: ${error instanceof Error ? error.message : String(error)}${reasons === '' ? '' : `\n${reasons}`}`);
  }
  return { ...managed, url };
}

/** What answers `GET /healthz` on the bot's port. */
export type HealthzAnswer =
  | { readonly kind: 'resolve' }
  | { readonly kind: 'other'; readonly detail: string }
  | { readonly kind: 'nothing' };

/** Asks `http://127.0.0.1:<port>/healthz`; Resolve answers 200 `{ "status": "ok" }`. */
export async function probeHealthz(port: number, timeoutMs = 1500): Promise<HealthzAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  const silent = { kind: 'other', detail: `it accepted a connection but did not answer GET /healthz within ${timeoutMs / 1000} s` } as const;
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal, redirect: 'manual' });
  } catch (error) {
    if (signal.aborted) return silent;
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (code === 'ECONNREFUSED') return { kind: 'nothing' };
    return { kind: 'other', detail: `it does not speak HTTP (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})` };
  }
  let body: string;
  try {
    body = await response.text();
  } catch {
    return silent;
  }
  let status: unknown;
  try {
    status = (JSON.parse(body) as { status?: unknown } | null)?.status;
  } catch {
    /* not JSON: not Resolve */
  }
  if (response.status === 200 && status === 'ok') return { kind: 'resolve' };
  return { kind: 'other', detail: `it answered GET /healthz with HTTP ${response.status}${response.status === 200 ? ', not { "status": "ok" }' : ''}` };
}

/** The pid in a PGlite data folder's lock file, and whether that process is running. */
export interface LockOwner {
  readonly folder: string;
  readonly pid: number;
  readonly running: boolean;
}

/** Who holds the data folder's lock (store/folder-lock.ts); undefined for PostgreSQL, or when no lock names a pid. */
export function dataFolderOwner(database: DatabaseConfig): LockOwner | undefined {
  if (database.kind !== 'pglite') return undefined;
  const owner = folderLockOwner(database.dataDir);
  return owner === undefined ? undefined : { folder: database.dataDir, ...owner };
}

export type BotDecision =
  | { readonly action: 'start' }
  | { readonly action: 'reuse'; readonly message: string }
  /** Exit 2 with the message: neither reusing nor starting a bot can work. */
  | { readonly action: 'refuse'; readonly message: string };

export interface BotSituation {
  readonly port: number;
  readonly healthz: HealthzAnswer;
  readonly lockOwner?: LockOwner | undefined;
}

/**
 * Whether the playground starts its own bot, talks to the Resolve bot already on the port, or
 * stops before printing any address because a second bot could not start.
 */
export function decideBot({ port, healthz, lockOwner }: BotSituation): BotDecision {
  const url = `http://127.0.0.1:${port}`;
  const otherPort = port < 65535 ? port + 1 : port - 1;
  const live = lockOwner?.running === true ? lockOwner : undefined;
  if (healthz.kind === 'resolve') {
    return { action: 'reuse', message: `Using the Resolve bot already running on ${url} (started with npm start).` };
  }
  if (healthz.kind === 'other') {
    return {
      action: 'refuse',
      message:
        `Port ${port} on 127.0.0.1 is in use by something that is not a Resolve bot: ${healthz.detail}. ` +
        `Stop whatever is listening on port ${port}, or give the bot another port: PORT=${otherPort} npm run playground.` +
        (live === undefined ? '' : ` The data folder ${live.folder} is also in use, by process ${live.pid}.`),
    };
  }
  if (live !== undefined) {
    return {
      action: 'refuse',
      message:
        `The data folder ${live.folder} is in use by process ${live.pid}, but no Resolve bot answers on ${url}. ` +
        `The embedded database (PGlite) serves one process only, so the playground cannot start a second bot on it. ` +
        `If process ${live.pid} is a Resolve bot still starting, try again in a moment; if it listens on another port, ` +
        `run the playground with that PORT to use it. Otherwise stop process ${live.pid} (kill ${live.pid}), or give the ` +
        `playground its own data: DATA_DIR=<another folder>, or DATABASE_URL=postgres://... for PostgreSQL.`,
    };
  }
  return { action: 'start' };
}

export interface BotProcess extends ManagedProcess {
  /** The last line the bot wrote to stderr, or from "Resolve could not start:" on when it said that: on an exit, the reason. */
  lastWords(): string | undefined;
}

/** Keeps the end of `stream` (forwarding it to `forward`); `closed` resolves when it ends. */
function keepTail(stream: Readable, forward: NodeJS.WritableStream | undefined): { closed: Promise<void>; lastWords(): string | undefined } {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    forward?.write(chunk);
    tail = (tail + chunk).slice(-8192);
  });
  const closed = new Promise<void>((resolve) => stream.once('close', resolve));
  const lastWords = () => {
    const lines = tail.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
    // bin/serve.ts starts its reason with this; a reason over several lines is kept whole.
    const from = lines.findLastIndex((line) => line.startsWith('Resolve could not start:'));
    return lines.length === 0 ? undefined : from === -1 ? lines.at(-1)!.trim() : lines.slice(from).join('\n');
  };
  return { closed, lastWords };
}

/**
 * Starts `bin/serve.ts` (what `npm start` runs) and waits for /healthz. Refuses a port that
 * already answers (that answer would not be this bot's); when the bot exits during start-up,
 * the error carries the last line of its stderr, which says why.
 */
export async function startBotProcess(env: NodeJS.ProcessEnv, port: number, stdio: 'inherit' | 'ignore' = 'inherit'): Promise<BotProcess> {
  const already = await probeHealthz(port);
  if (already.kind !== 'nothing') {
    const holder = already.kind === 'resolve' ? 'by a Resolve bot' : `and ${already.detail}`;
    throw new Error(`The bot did not start: port ${port} on 127.0.0.1 is already in use ${holder}. Stop that process, or set PORT to a free port.`);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bin/serve.ts')], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port) },
    stdio: [stdio, stdio, 'pipe'],
  });
  const stderr = keepTail(child.stderr!, stdio === 'inherit' ? process.stderr : undefined);
  const managed: BotProcess = { ...manage(child), lastWords: stderr.lastWords };
  const url = `http://127.0.0.1:${port}/healthz`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitForHttp(url, 90_000, managed);
    if (exited()) throw new Error(`the bot exited as ${url} answered`);
  } catch (error) {
    const byItself = exited();
    await managed.stop();
    await Promise.race([stderr.closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const reason = stderr.lastWords();
    if (byItself) {
      const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
      throw new Error(`The bot did not start: bin/serve.ts exited ${how} during start-up${reason === undefined ? ', saying nothing on stderr.' : `: ${reason}`}`);
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`The bot did not start: ${why}${reason === undefined ? '' : ` (its last words on stderr: ${reason})`}`);
  }
  return managed;
}
