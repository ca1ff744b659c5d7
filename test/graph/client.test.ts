import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { callGraph, createGraphClient, GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import { fakeCredential, FakeGraph, graphError } from './fake-graph.js';

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('graph/client', () => {
  let graph: FakeGraph;
  let baseUrl: string;

  beforeEach(async () => {
    graph = new FakeGraph();
    baseUrl = await graph.start();
  });
  afterEach(() => graph.stop());

  it('sends the app-only bearer token to the configured Graph origin, under /v1.0', async () => {
    graph.on('GET', /^\/users\/u1$/, { body: { id: 'u1' } });
    const client = createGraphClient({ credential: fakeCredential, baseUrl });
    assert.deepEqual(await client.api('/users/u1').get(), { id: 'u1' });
    assert.equal(graph.requests[0]?.headers.authorization, 'Bearer fake-graph-token');
  });

  it("a 429 with Retry-After is retried after the server's wait, then succeeds", async () => {
    let calls = 0;
    graph.on('GET', /^\/users\/u1$/, () => (++calls === 1 ? graphError(429, 'TooManyRequests', 'slow down', { 'Retry-After': '1' }) : { body: { id: 'u1' } }));
    const client = createGraphClient({ credential: fakeCredential, baseUrl, retry: { delaySeconds: 0, maxRetries: 2 } });
    const started = Date.now();
    await client.api('/users/u1').get();
    assert.equal(calls, 2);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After: 1');
  });

  it('a 503 that persists after the retries is a GraphUnavailableError naming the operation', async () => {
    graph.on('GET', /^\/users\/u1$/, graphError(503, 'ServiceUnavailable', 'down', { 'Retry-After': '0' }));
    const client = createGraphClient({ credential: fakeCredential, baseUrl, retry: { delaySeconds: 0, maxRetries: 2 } });
    await assert.rejects(callGraph('reading a user', () => client.api('/users/u1').get() as Promise<unknown>), (e: Error) => {
      assert.ok(e instanceof GraphUnavailableError);
      assert.equal(e.status, 503);
      assert.match(e.message, /unavailable for reading a user .*stays queued/);
      return true;
    });
    assert.equal(graph.requests.length, 3, 'one call and two retries');
  });

  it('a refused connection is a GraphUnavailableError, not a crash', async () => {
    const client = createGraphClient({ credential: fakeCredential, baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: { maxRetries: 0 } });
    await assert.rejects(callGraph('sending mail', () => client.api('/users/u1').get() as Promise<unknown>), (e: Error) => e instanceof GraphUnavailableError && /sending mail \(no answer: fetch failed: ECONNREFUSED\)/.test(e.message));
  });

  it('a Graph that accepts the connection but never answers is a GraphUnavailableError after the timeout', async () => {
    graph.on('GET', /^\/users\/u1$/, { hang: true });
    const client = createGraphClient({ credential: fakeCredential, baseUrl, retry: { maxRetries: 0 }, timeoutMs: 200 });
    await assert.rejects(callGraph('reading a user', () => client.api('/users/u1').get() as Promise<unknown>), (e: Error) => e instanceof GraphUnavailableError && /no answer within 200 ms/.test(e.message));
  });

  it('a 403 is a GraphRequestError with the Graph error code, and is not retried', async () => {
    graph.on('GET', /^\/users\/u1$/, graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges'));
    const client = createGraphClient({ credential: fakeCredential, baseUrl, retry: { delaySeconds: 0 } });
    await assert.rejects(callGraph('reading a user', () => client.api('/users/u1').get() as Promise<unknown>), (e: Error) => e instanceof GraphRequestError && e.status === 403 && e.code === 'Authorization_RequestDenied');
    assert.equal(graph.requests.length, 1);
  });
});
