/**
 * The invoke benchmark's load generator, in its own process (`bench/invoke-bench.ts` forks it):
 * the same code drives the full stack and the bare app. Each `run` posts the bodies it is given
 * to the URL over keep-alive HTTP/1.1 (a fresh agent per run) and times each request on this
 * side, with `performance.now()`, up to the last byte of its answer:
 * - closed loop: `clients` clients, each sending its next request when its last is answered;
 *   the time is from that request's send;
 * - open loop: request i is due at start + i / perSecond, sent then whether or not earlier ones
 *   were answered; the time is from when it was due, so waiting in any queue (the server's, the
 *   database's, this process's) counts.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult, ToLoad } from './invoke-protocol.js';

const CARD = 'application/vnd.microsoft.card.adaptive';
const REFUSED = 'Nothing was changed';

async function run(message: ToLoad): Promise<LoadResult> {
  const { bodies, plan } = message;
  const url = new URL(message.url);
  // Idle connections are closed from this side after 4 s, before the server's keep-alive timeout
  // (Node's 5 s) closes them: otherwise a request sent on a connection at the moment the server
  // closes it fails with ECONNRESET (seen here at 100/s, when the server's event loop stalled).
  // The agent's timeout ends only idle sockets, never a request waiting for its answer.
  const agent = new http.Agent({ keepAlive: true, timeout: 4_000, maxSockets: plan.mode === 'closed' ? plan.clients : Infinity });
  const latencies: number[] = [];
  const sendLag: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let refused = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let sample = '';
  let lastEnd = 0;

  const fail = (reason: string) => {
    failed += 1;
    if (failures.length < 5) failures.push(reason);
  };

  /** Posts one body; resolves when its answer has been read (or the request failed). */
  const post = (body: string, from: number) =>
    new Promise<void>((resolve) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const request = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const end = performance.now();
            inFlight -= 1;
            lastEnd = Math.max(lastEnd, end);
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode !== 200 || !text.includes(CARD)) fail(`HTTP ${response.statusCode}: ${text.slice(0, 160)}`);
            else {
              latencies.push(end - from);
              if (text.includes(REFUSED)) refused += 1;
              if (sample === '') sample = text;
            }
            resolve();
          });
          response.on('error', (error) => {
            inFlight -= 1;
            fail(error.message);
            resolve();
          });
        },
      );
      request.on('error', (error) => {
        inFlight -= 1;
        fail(error.message);
        resolve();
      });
      request.end(body);
    });

  let first = 0;
  if (plan.mode === 'closed') {
    let next = 0;
    first = performance.now();
    const until = plan.seconds === undefined ? Infinity : first + plan.seconds * 1000;
    await Promise.all(
      Array.from({ length: plan.clients }, async () => {
        for (let i = next++; i < bodies.length && performance.now() < until; i = next++) await post(bodies[i]!, performance.now());
      }),
    );
  } else {
    const interval = 1000 / plan.perSecond;
    const pending: Promise<void>[] = [];
    first = performance.now() + 20;
    await new Promise<void>((resolve) => {
      let i = 0;
      const tick = () => {
        const now = performance.now();
        while (i < bodies.length && first + i * interval <= now) {
          const due = first + i * interval;
          sendLag.push(now - due);
          pending.push(post(bodies[i]!, due));
          i += 1;
        }
        if (i < bodies.length) setTimeout(tick, Math.max(0, first + i * interval - performance.now()));
        else resolve();
      };
      setTimeout(tick, Math.max(0, first - performance.now()));
    });
    await Promise.all(pending);
  }
  agent.destroy();
  return { type: 'result', latenciesMs: latencies, sendLagMs: sendLag, spanMs: lastEnd - first, failed, failures, refused, maxInFlight, sample };
}

process.on('message', (raw) => {
  const message = raw as ToLoad | { readonly type: 'stop' };
  if (message.type === 'stop') {
    process.disconnect();
    return;
  }
  void run(message).then(
    (result) => process.send!(result),
    (error: unknown) => process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.send!({ type: 'ready' });
