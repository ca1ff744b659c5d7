/**
 * Starting the bot and Microsoft 365 Agents Playground as child processes, for
 * `npm run playground` and the end-to-end test. Development tooling only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { OrganisationFile } from '../../graph/directory/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
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

/** Starts `bot/main.ts` (what `npm start` runs) and waits for /healthz. */
export async function startBotProcess(env: NodeJS.ProcessEnv, port: number, stdio: 'inherit' | 'ignore' = 'inherit'): Promise<ManagedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bot/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port) },
    stdio,
  });
  const managed = manage(child);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 90_000, managed);
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return managed;
}
