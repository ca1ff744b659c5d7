/**
 * `npm run playground` beside a bot that is already running: it reuses a Resolve bot on PORT,
 * and refuses plainly (exit 2, no address) when the port or the PGlite data folder is held by
 * something else. The decision is tested as a function, and through the script: the refusals
 * need no Agents Playground; the reuse starts the real one against a stand-in bot.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { dataFolderOwner, decideBot, probeHealthz, REPO_ROOT, startBotProcess } from '../../bin/agents-playground.js';
import { LOCK_FILE_NAME } from '../../store/folder-lock.js';

const run = promisify(execFile);
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP server on a free loopback port whose /healthz answers `status` with `body`. */
async function serveHealthz(status: number, body: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? status : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/healthz' ? body : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** A pid that is not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = execFile(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** Runs bin/playground.ts outside the repository (no .env) with only these variables. */
async function runPlayground(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'resolve-playground-cwd-'));
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', TSX, path.join(REPO_ROOT, 'bin/playground.ts'), '--port', String(await freePort())],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 45_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

describe('npm run playground beside a running bot: decideBot', () => {
  it('reuses a Resolve bot answering /healthz, whoever holds the data folder', () => {
    const decision = decideBot({ port: 3978, healthz: { kind: 'resolve' }, lockOwner: { folder: '/srv/.data/pglite', pid: 4242, running: true } });
    assert.deepEqual(decision, { action: 'reuse', message: 'Using the Resolve bot already running on http://127.0.0.1:3978 (started with npm start).' });
  });

  it('refuses a port held by another server, naming the port and what to do', () => {
    const decision = decideBot({ port: 3978, healthz: { kind: 'other', detail: 'it answered GET /healthz with HTTP 404' } });
    assert.equal(decision.action, 'refuse');
    assert.ok(decision.action === 'refuse');
    assert.match(decision.message, /^Port 3978 on 127\.0\.0\.1 is in use by something that is not a Resolve bot: it answered GET \/healthz with HTTP 404\./);
    assert.match(decision.message, /Stop whatever is listening on port 3978, or give the bot another port: PORT=3979 npm run playground\./);
    assert.doesNotMatch(decision.message, /open http/);
  });

  it('refuses when a live process holds the data folder and nothing answers on the port, naming the pid', () => {
    const decision = decideBot({ port: 3978, healthz: { kind: 'nothing' }, lockOwner: { folder: '/srv/.data/pglite', pid: 4242, running: true } });
    assert.ok(decision.action === 'refuse');
    assert.match(decision.message, /^The data folder \/srv\/\.data\/pglite is in use by process 4242, but no Resolve bot answers on http:\/\/127\.0\.0\.1:3978\./);
    assert.match(decision.message, /stop process 4242 \(kill 4242\)/);
    assert.match(decision.message, /DATA_DIR=<another folder>, or DATABASE_URL=postgres:\/\//);
  });

  it('starts a bot when the lock is stale (its pid is not running) or there is none', () => {
    assert.deepEqual(decideBot({ port: 3978, healthz: { kind: 'nothing' }, lockOwner: { folder: '/srv/.data/pglite', pid: 4242, running: false } }), { action: 'start' });
    assert.deepEqual(decideBot({ port: 3978, healthz: { kind: 'nothing' } }), { action: 'start' });
  });
});

describe('npm run playground beside a running bot: probing the port and the data folder', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'resolve-playground-data-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('probeHealthz tells a Resolve bot from another server and from a free port', async () => {
    const resolve = await serveHealthz(200, '{"status":"ok"}');
    const other = await serveHealthz(404, '{"error":"not found"}');
    const notOk = await serveHealthz(200, '{"status":"degraded"}');
    try {
      assert.deepEqual(await probeHealthz(resolve.port), { kind: 'resolve' });
      assert.deepEqual(await probeHealthz(other.port), { kind: 'other', detail: 'it answered GET /healthz with HTTP 404' });
      assert.equal((await probeHealthz(notOk.port)).kind, 'other');
      assert.deepEqual(await probeHealthz(await freePort()), { kind: 'nothing' });
    } finally {
      await Promise.all([close(resolve.server), close(other.server), close(notOk.server)]);
    }
  });

  it('probeHealthz calls a listener that never answers "other", within its timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await probeHealthz((silent.address() as AddressInfo).port, 300);
      assert.ok(answer.kind === 'other');
      assert.match(answer.detail, /did not answer GET \/healthz within 0\.3 s/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('dataFolderOwner reads the lock file pid and whether it runs; none for PostgreSQL or no lock', async () => {
    const folder = path.join(dataDir, 'pglite');
    assert.equal(dataFolderOwner({ kind: 'pglite', dataDir: folder }), undefined);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, LOCK_FILE_NAME), `${process.pid}\n`);
    assert.deepEqual(dataFolderOwner({ kind: 'pglite', dataDir: folder }), { folder, pid: process.pid, running: true });
    const dead = await deadPid();
    await writeFile(path.join(folder, LOCK_FILE_NAME), `${dead}\n`);
    assert.deepEqual(dataFolderOwner({ kind: 'pglite', dataDir: folder }), { folder, pid: dead, running: false });
    assert.equal(dataFolderOwner({ kind: 'postgres', url: 'postgres://localhost/resolve' }), undefined);
  });
});

describe('npm run playground beside a running bot: the script', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'resolve-playground-data-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 2 naming the port, and prints no address, when the port is held by a server that is not Resolve', async () => {
    const { server, port } = await serveHealthz(404, '{"error":"not found"}');
    try {
      const result = await runPlayground({ PORT: String(port), DATA_DIR: dataDir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use by something that is not a Resolve bot`));
      assert.match(result.stderr, /PORT=\d+ npm run playground/);
      assert.doesNotMatch(result.stdout + result.stderr, /open http/);
    } finally {
      await close(server);
    }
  });

  it('exits 2 naming the pid, and prints no address, when a live process holds the data folder and nothing answers on the port', async () => {
    await mkdir(path.join(dataDir, 'pglite'), { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', LOCK_FILE_NAME), `${process.pid}\n`);
    const result = await runPlayground({ PORT: String(await freePort()), DATA_DIR: dataDir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`is in use by process ${process.pid}, but no Resolve bot answers`));
    assert.doesNotMatch(result.stdout + result.stderr, /open http/);
  });

  it('startBotProcess reports the reason from the last line of stderr when the bot exits during start-up', async () => {
    await mkdir(path.join(dataDir, 'pglite'), { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', LOCK_FILE_NAME), `${process.pid}\n`);
    await assert.rejects(startBotProcess({ PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, await freePort(), 'ignore'), (error: Error) => {
      assert.match(error.message, /^The bot did not start: bin\/serve\.ts exited with code 1 during start-up: Resolve could not start: /);
      assert.match(error.message, new RegExp(`already in use by process ${process.pid}\\.`));
      return true;
    });
  });

  it('startBotProcess refuses a port that already answers, rather than take that answer for its bot', async () => {
    const { server, port } = await serveHealthz(200, '{"status":"ok"}');
    try {
      await assert.rejects(startBotProcess({ PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, port, 'ignore'), /port \d+ on 127\.0\.0\.1 is already in use by a Resolve bot/);
    } finally {
      await close(server);
    }
  });

  it('reuses a Resolve bot already on PORT: says so before the address, starts no bot, and Ctrl-C leaves that bot running', async () => {
    const { server, port } = await serveHealthz(200, '{"status":"ok"}');
    const cwd = await mkdtemp(path.join(tmpdir(), 'resolve-playground-cwd-'));
    const child = spawn(process.execPath, ['--import', TSX, path.join(REPO_ROOT, 'bin/playground.ts'), '--port', String(await freePort())], {
      cwd,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match !== null) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`the script exited (${code}) before printing an address: ${stderr}`)));
      });
      const reuse = `Using the Resolve bot already running on http://127.0.0.1:${port} (started with npm start).`;
      assert.ok(stdout.indexOf(reuse) !== -1 && stdout.indexOf(reuse) < stdout.indexOf('open http'), stdout);
      assert.match(stdout, /Ctrl-C stops the playground; the bot keeps running\./);
      assert.doesNotMatch(stdout + stderr, /LOCAL MODE|server\.listening/);
      assert.equal((await fetch(address)).status < 500, true);
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
      assert.equal(dataFolderOwner({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') }), undefined);
      assert.deepEqual(await probeHealthz(port), { kind: 'resolve' });
      await assert.rejects(fetch(address, { signal: AbortSignal.timeout(2000) }));
    } finally {
      child.kill('SIGKILL');
      await close(server);
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
