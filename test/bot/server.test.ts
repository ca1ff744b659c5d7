import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLogger } from '../../app/log.js';
import { databaseLiveness, databaseReadiness } from '../../bot/readiness.js';
import { embeddedDatabaseStopped, IN_MEMORY, openDatabase } from '../../store/db.js';
import { pgliteThreadOf } from '../../store/pglite-remote.js';
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

  it('GET /healthz answers 503 "restart needed" once the embedded database\'s worker thread has died, so an orchestrator restarts the process', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY, thread: true });
    const server = await startBotServer({
      host: '127.0.0.1', port: 0, messages: async () => ({ status: 200 }), readiness: alwaysReady, logger: silent,
      liveness: databaseLiveness(() => embeddedDatabaseStopped(db), silent),
    });
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      await pgliteThreadOf(db)!.terminate();
      const response = await fetch(`${server.url}/healthz`);
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { status: 'restart needed', checks: { database: 'the embedded database stopped: restart Resolve' } });
    } finally {
      await server.close();
      await db.close();
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

describe('bot/server: the privacy notice and terms of use', () => {
  const databaseDown = async () => {
    throw new Error('connection refused');
  };
  const withServer = async (run: (url: string) => Promise<void>, displayName?: string) => {
    const server = await startBotServer({
      host: '127.0.0.1',
      port: 0,
      messages: async () => ({ status: 200 }),
      readiness: databaseDown,
      logger: silent,
      ...(displayName !== undefined && { displayName }),
    });
    try {
      await run(server.url);
    } finally {
      await server.close();
    }
  };

  it('GET /privacy and GET /terms answer 200 with an HTML page and its heading, while the database is down', async () => {
    await withServer(async (url) => {
      assert.equal((await fetch(`${url}/readyz`)).status, 503);
      for (const [route, heading] of [
        ['/privacy', '<h1>Resolve: privacy notice</h1>'],
        ['/terms', '<h1>Resolve: terms of use</h1>'],
      ] as const) {
        const response = await fetch(`${url}${route}`);
        assert.equal(response.status, 200, route);
        assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8', route);
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, route);
        const html = await response.text();
        assert.match(html, /^<!doctype html>\n<html lang="en-GB">/, route);
        assert.ok(html.includes(heading), `${route} lacks ${heading}`);
        assert.doesNotMatch(html, /<script/i, route);
      }
    });
  });

  it('the privacy notice says what is stored, who sees it, where it is kept, for how long, and who the data controller is', async () => {
    await withServer(async (url) => {
      const html = await (await fetch(`${url}/privacy`)).text();
      for (const heading of ['What Resolve stores', 'Who can see it', 'Where it is kept', 'How long it is kept', 'Who is responsible']) {
        assert.ok(html.includes(`<h2>${heading}</h2>`), `the privacy notice lacks "${heading}"`);
      }
      assert.match(html, /initials/);
      assert.match(html, /hash/);
      assert.match(html, /No child's name appears in chat notifications, in email subjects or in the service's logs/);
      assert.match(html, /council's own database/);
      assert.match(html, /record-keeping policy/);
      assert.match(html, /LCS, Mosaic or Eclipse/);
      assert.match(html, /data controller/);
    });
  });

  it('the pages give the configured display name, escaped', async () => {
    await withServer(async (url) => {
      const html = await (await fetch(`${url}/terms`)).text();
      assert.ok(html.includes('<h1>Resolve &amp; &lt;Northmoor&gt;: terms of use</h1>'));
      assert.doesNotMatch(html, /<Northmoor>/);
    }, 'Resolve & <Northmoor>');
  });

  it("the manifest template's privacyUrl and termsOfUseUrl are pages the server answers", async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../manifest/manifest.template.json', import.meta.url), 'utf8')) as {
      developer: { privacyUrl: string; termsOfUseUrl: string };
    };
    await withServer(async (url) => {
      for (const link of [manifest.developer.privacyUrl, manifest.developer.termsOfUseUrl]) {
        assert.ok(link.startsWith('${{PUBLIC_BASE_URL}}/'), `${link} is not under PUBLIC_BASE_URL`);
        const response = await fetch(`${url}${link.slice('${{PUBLIC_BASE_URL}}'.length)}`);
        assert.equal(response.status, 200, link);
        assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8', link);
      }
    });
  });
});
