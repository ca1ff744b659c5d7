/**
 * A PostgreSQL cluster of a test's own, on a free port in a temporary folder, that the test may
 * stop and start again (an outage) without touching the shared server on 5432. Runs the server
 * binaries as the `postgres` user through runuser, so the tests that use it need root. Whatever
 * happens, `destroy()` (also run when the process exits) leaves nothing running and nothing on disk.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** `PG_BIN`, or the newest server installed the Debian way. */
const PG_BIN = process.env['PG_BIN'] ?? newestDebianServer() ?? '/usr/lib/postgresql/15/bin';

function newestDebianServer(): string | undefined {
  try {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? undefined : join('/usr/lib/postgresql', versions[0], 'bin');
  } catch {
    return undefined;
  }
}

export interface ThrowawayPostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  readonly url: string;
  /** Starts the cluster again on the same data and port. */
  start(): Promise<void>;
  /** A clean, fast shutdown: sessions are ended, new connections refused. */
  stop(): Promise<void>;
  /** Stops it at once if it runs, and removes its folder. Safe to call twice. */
  destroy(): Promise<void>;
}

/** Why this machine cannot run one, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'running the server binaries as the postgres user needs root';
  try {
    execFileSync(join(PG_BIN, 'pg_ctl'), ['--version'], { stdio: 'ignore' });
    execFileSync('runuser', ['--help'], { stdio: 'ignore' });
  } catch {
    return `no PostgreSQL server binaries at ${PG_BIN} (set PG_BIN), or no runuser`;
  }
  return undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on, from the OS, checked again before use. */
async function freePort(): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    if (port !== 5432 && (await portIsFree(port))) return port;
  }
  throw new Error('found no free port for a throw-away PostgreSQL');
}

const asPostgres = (command: string, args: readonly string[]) => run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { timeout: 60_000 });

export async function startThrowawayPostgres(options: { readonly database?: string } = {}): Promise<ThrowawayPostgres> {
  const database = options.database ?? 'resolve';
  const dir = mkdtempSync(join(tmpdir(), 'resolve-pg-'));
  const data = join(dir, 'data');
  let port = 0;
  let running = false;
  let destroyed = false;

  const immediateStopSync = () => {
    if (running) {
      try {
        execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore', timeout: 30_000 });
      } catch {
        /* already down */
      }
      running = false;
    }
  };
  const onExit = () => {
    immediateStopSync();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const cluster: ThrowawayPostgres = {
    get port() {
      return port;
    },
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    async start() {
      if (destroyed) throw new Error('this throw-away PostgreSQL was destroyed');
      if (running) return;
      if (!(await portIsFree(port))) throw new Error(`port ${port} was taken while the throw-away PostgreSQL was down`);
      try {
        await asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
      } catch (error) {
        // pg_ctl may give up while the server is still coming up: make sure it is down.
        running = true;
        immediateStopSync();
        const log = readFileSync(join(dir, 'server.log'), { encoding: 'utf8', flag: 'a+' }).slice(-2_000);
        throw new Error(`the throw-away PostgreSQL did not start on port ${port}: ${error instanceof Error ? error.message : String(error)}\n${log}`);
      }
      running = true;
    },
    async stop() {
      if (!running) return;
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      try {
        if (running) await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        running = false;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  try {
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    port = await freePort();
    await cluster.start();
    await asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
