/**
 * `npm start` as a council's IT team runs it: a real `bin/serve.ts` process. It reads `.env` from
 * its working directory (the real environment wins), and it stays up when its PostgreSQL server
 * is stopped under it, answering 503 until the server is back (a throw-away cluster, never the
 * shared server on 5432).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from '../store/throwaway-postgres.js';

const SERVE = fileURLToPath(new URL('../../bin/serve.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Served {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Starts bin/serve.ts in `cwd` with only the variables given (and PATH). */
function serve(cwd: string, env: Record<string, string>): Served {
  const child = spawn(process.execPath, ['--import', TSX, SERVE], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function until(condition: () => Promise<boolean>, what: string, served: Served, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (served.child.exitCode !== null) throw new Error(`the bot exited (${served.child.exitCode}) before ${what}:\n${served.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}:\n${served.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const status = async (url: string, init?: RequestInit) => (await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })).status;

describe('bin/serve: npm start as a real process', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'resolve-serve-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads .env from its working directory, and a variable set in the environment wins over it', async () => {
    const fromFile = await freePort();
    const fromEnv = await freePort();
    writeFileSync(path.join(dir, '.env'), `# copied from env.sample\nPORT=${fromFile}\nDATA_DIR=${path.join(dir, 'data')}\nLOG_LEVEL=warn\n`);
    const first = serve(dir, {});
    try {
      await until(async () => (await status(`http://127.0.0.1:${fromFile}/healthz`)) === 200, `the bot answers on the PORT from .env (${fromFile})`, first);
    } finally {
      assert.equal(await first.stop(), 0, 'SIGTERM stops it cleanly');
    }
    const second = serve(dir, { PORT: String(fromEnv) });
    try {
      await until(async () => (await status(`http://127.0.0.1:${fromEnv}/healthz`)) === 200, `the bot answers on the PORT from the environment (${fromEnv})`, second);
    } finally {
      await second.stop();
    }
  });

  it('a bad variable in .env stops it at start-up with exit 2, naming the variable', async () => {
    writeFileSync(path.join(dir, '.env'), 'PORT=seventy\n');
    const bad = serve(dir, {});
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(bad.output(), /PORT: must be a whole number/);
  });

  describe('with its PostgreSQL server stopped under it', () => {
    let cluster: ThrowawayPostgres | undefined;
    before(function () {
      const why = throwawayPostgresUnavailable();
      if (why !== undefined) throw new Error(`this test needs a throw-away PostgreSQL cluster: ${why}`);
    });
    afterEach(async () => {
      await cluster?.destroy();
      cluster = undefined;
    });

    it('stays up: /readyz says not ready and chat requests get 503 within 2 s while it is down; when it returns, the bot is ready again by itself', async () => {
      cluster = await startThrowawayPostgres();
      const port = await freePort();
      const bot = serve(dir, { PORT: String(port), DATA_DIR: path.join(dir, 'data'), DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' });
      const base = `http://127.0.0.1:${port}`;
      try {
        await until(async () => (await status(`${base}/readyz`)) === 200, 'the bot is ready', bot);
        await cluster.stop();
        await until(async () => (await status(`${base}/readyz`)) === 503, '/readyz says not ready', bot);
        // Give the delivery and deadline loops several failed passes: before, the first one killed the process.
        await new Promise((resolve) => setTimeout(resolve, 4000));
        assert.equal(bot.child.exitCode, null, `the process is still running:\n${bot.output()}`);
        assert.equal(await status(`${base}/healthz`), 200);
        // Its serviceUrl is a connector nothing answers on: the 503 must not wait for the card it cannot post.
        const message = {
          type: 'message', id: 'm-1', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', text: 'my cases',
          from: { id: '29:officer', aadObjectId: 'ff53a46f-5ead-403a-84c4-b877678537a3' }, recipient: { id: '28:resolve' },
          conversation: { id: 'a:officer', conversationType: 'personal' },
        };
        const started = Date.now();
        const answered = await status(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
        assert.equal(answered, 503);
        assert.ok(Date.now() - started < 2000, `answered within 2 s (took ${Date.now() - started} ms)`);
        await cluster.start();
        await until(async () => (await status(`${base}/readyz`)) === 200, 'the bot is ready again after the database returns', bot);
      } finally {
        assert.equal(await bot.stop(), 0, `SIGTERM stops it cleanly:\n${bot.output()}`);
      }
    });
  });
});
