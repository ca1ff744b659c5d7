import assert from 'node:assert/strict';
import { createLogger } from '../../bot/log.js';
import { databaseReadiness } from '../../bot/readiness.js';
import { startBotServer, type ActivityEndpoint } from '../../bot/server.js';
import { startBotHarness } from './harness.js';

const silent = createLogger({ level: 'silent' });
const alwaysReady = async () => ({ ready: true, checks: { database: 'ok' } });

describe('bot/server: health, readiness and shutdown', () => {
  it('GET /healthz answers 200 while the process is alive', async () => {
    const server = await startBotServer({ host: '127.0.0.1', port: 0, messages: async () => ({ status: 200 }), readiness: alwaysReady, logger: silent });
    try {
      const response = await fetch(`${server.url}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('GET /readyz is 200 when the real (in-memory PGlite) store is reachable and fully migrated', async () => {
    const bot = await startBotHarness({ database: true });
    try {
      const reply = await bot.get('/readyz');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    } finally {
      await bot.close();
    }
  });

  it('GET /readyz is 503 naming the pending migrations, and 503 when the database is unreachable', async () => {
    const pending = databaseReadiness(async () => ({ ok: false, pending: ['0009_future'], problems: [] }), silent);
    const down = databaseReadiness(async () => {
      throw new Error('connection refused');
    }, silent);
    for (const [readiness, checks] of [
      [pending, { database: 'ok', migrations: 'pending: 0009_future' }],
      [down, { database: 'unreachable' }],
    ] as const) {
      const server = await startBotServer({ host: '127.0.0.1', port: 0, messages: async () => ({ status: 200 }), readiness, logger: silent });
      try {
        const response = await fetch(`${server.url}/readyz`);
        assert.equal(response.status, 503);
        assert.deepEqual(await response.json(), { status: 'not ready', checks });
      } finally {
        await server.close();
      }
    }
  });

  it('close() lets a request in flight finish, then refuses new connections', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      release = resolveStarted;
    });
    let finish: () => void = () => undefined;
    const slow: ActivityEndpoint = async () => {
      release();
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { status: 200, body: { done: true } };
    };
    const server = await startBotServer({ host: '127.0.0.1', port: 0, messages: slow, readiness: alwaysReady, logger: silent, drainTimeoutMs: 5000 });
    const inFlight = fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' });
    await started;
    const closed = server.close();
    setTimeout(() => finish(), 50);
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { done: true });
    await closed;
    await assert.rejects(fetch(`${server.url}/healthz`), /fetch failed/);
  });

  it('an error thrown by the messages endpoint gives a bare 500, not its message', async () => {
    const server = await startBotServer({
      host: '127.0.0.1',
      port: 0,
      messages: async () => {
        throw new Error('J.T. details that must not leak');
      },
      readiness: alwaysReady,
      logger: silent,
    });
    try {
      const response = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: 'internal error' });
    } finally {
      await server.close();
    }
  });
});
