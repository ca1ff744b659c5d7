/**
 * Appends a second with 10 connections (issue 11), on the PostgreSQL server: 10 writers, each a
 * closed loop on streams of its own through a pool of 10, for a fixed time, two ways in the same
 * run, timed the same way from the client:
 * - `command`: the command path as it is (`handleCommand`: one read, one `write_streams` that is
 *   its own transaction; the events chained at COMMIT by the deferred trigger, migration 0011);
 * - `heldAcrossNode`: the path before 0011, the same writes one statement each (BEGIN, the
 *   stream's lock, the stream read, the deadlines read and written, the read model, the outbox, the
 *   append with `append_chained_events`, COMMIT from Node), which holds the audit head from the
 *   append until Node's COMMIT arrives.
 * - `eventsAlone`: `write_streams` with one event and nothing else, the writer knowing its
 *   stream's version (no read): what the audit chain itself can take.
 * Each writer's command appends one event (a case's "rescheduled", with a deadline moved, a read
 * model row and one outbox effect, as a small real command does). After each run the whole chain
 * is verified (`verifyChain`) and every stream is checked to hold exactly the events its writer
 * was told were written.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TestClock } from '../store/clock.js';
import { handleCommand, type StreamModel } from '../store/command.js';
import { openDatabase, type Db } from '../store/db.js';
import { syncDeadlines } from '../store/deadlines.js';
import { appendToLockedStream, lockStream, readStream, verifyChain } from '../store/events.js';
import { enqueueEffects } from '../store/outbox.js';
import { writeStreams } from '../store/stream-write.js';
import { dropBenchSchema, percentile, type BenchSettings } from './settings.js';

const URL_ = 'postgres://postgres@127.0.0.1:5432/test';
const TARGET_PER_SECOND = 1_000;
const CONNECTIONS = 10;

type Event = { type: 'opened' | 'rescheduled'; at: string; dueAt: string };
type Command = { type: 'open' | 'reschedule'; dueAt: string };
interface State {
  readonly dueAt: string;
  readonly n: number;
}

const VIEW_DDL = `CREATE TABLE bench_view (stream_id text PRIMARY KEY, n integer NOT NULL);
CREATE FUNCTION project_bench_view(p jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO bench_view (stream_id, n) VALUES (p->>'streamId', (p->>'n')::integer)
  ON CONFLICT (stream_id) DO UPDATE SET n = excluded.n
$$`;

function model(streamId: string): StreamModel<State, Command, Event> {
  return {
    evolve: (state, e) => ({ dueAt: e.dueAt, n: (state?.n ?? 0) + 1 }),
    decide: (state, c, now) => {
      if (c.type === 'open' && state !== undefined) return { ok: false, refusal: { code: 'open', message: 'already open' } };
      return { ok: true, events: [{ type: c.type === 'open' ? 'opened' : 'rescheduled', at: now.toISOString(), dueAt: c.dueAt }] };
    },
    deadlinesOf: (state) => [{ key: 'due', kind: 'reminder', dueAt: state.dueAt }],
    projectionsOf: (change) => [{ fn: 'project_bench_view', row: { streamId, n: change.after.n } }],
    effectsOf: (change) => [{ idempotencyKey: `${streamId}:${change.version}`, destination: `conversation-${streamId}`, kind: 'card', payload: { n: change.after.n } }],
  };
}

interface RunFigures {
  appends: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  chainVerified: boolean;
  lost: number;
  duplicated: number;
}

async function runWriters(db: Db, seconds: number, label: string, one: (streamId: string, i: number) => Promise<void>): Promise<RunFigures> {
  const latencies: number[] = [];
  const written = new Map<string, number>();
  const streams = Array.from({ length: CONNECTIONS }, (_, w) => Array.from({ length: 20 }, (__, k) => `bench-${label}-${w}-${k}`));
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    streams.map(async (own) => {
      for (let i = 0; performance.now() < until; i++) {
        const streamId = own[i % own.length]!;
        const t0 = performance.now();
        await one(streamId, i);
        latencies.push(performance.now() - t0);
        written.set(streamId, (written.get(streamId) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  let lost = 0;
  let duplicated = 0;
  for (const [streamId, n] of written) {
    const { version } = await readStream(db, streamId);
    // Each stream was opened (version 1) before the run.
    if (version - 1 < n) lost += n - (version - 1);
    if (version - 1 > n) duplicated += version - 1 - n;
  }
  const check = await verifyChain(db);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    appends: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    chainVerified: check.ok,
    lost,
    duplicated,
  };
}

export async function run(settings: BenchSettings): Promise<Record<string, unknown>> {
  const schema = `bench_appends_${randomBytes(4).toString('hex')}`;
  const seconds = settings.quick ? 3 : 10;
  const db = await openDatabase({ kind: 'postgres', url: URL_, schema, poolSize: CONNECTIONS });
  try {
    await db.exec(VIEW_DDL);
    const clock = new TestClock('2026-03-02T09:00:00.000Z');
    const due = (i: number) => new Date(Date.UTC(2026, 2, 3) + (i % 500) * 60_000).toISOString();
    for (const label of ['command', 'alone', 'held']) {
      for (let w = 0; w < CONNECTIONS; w++) {
        for (let k = 0; k < 20; k++) {
          const streamId = `bench-${label}-${w}-${k}`;
          await handleCommand(db, model(streamId), streamId, { type: 'open', dueAt: due(0) }, { clock });
        }
      }
    }

    settings.log(`appends: command path, ${CONNECTIONS} connections, ${seconds} s`);
    const command = await runWriters(db, seconds, 'command', async (streamId, i) => {
      const outcome = await handleCommand(db, model(streamId), streamId, { type: 'reschedule', dueAt: due(i + 1) }, { clock });
      if (!outcome.ok) throw new Error(outcome.refusal.message);
    });
    settings.log(`  ${command.perSecond}/s, p50 ${command.p50Ms} ms, p99 ${command.p99Ms} ms, chain ${command.chainVerified ? 'verified' : 'BROKEN'}`);

    settings.log(`appends: events alone (write_streams with one event, the version known), ${CONNECTIONS} connections, ${seconds} s`);
    const versions = new Map<string, number>();
    const eventsAlone = await runWriters(db, seconds, 'alone', async (streamId) => {
      const version = versions.get(streamId) ?? 1;
      await writeStreams(db, [{ streamId, expectedVersion: version, events: [{ type: 'rescheduled', at: clock.now().toISOString(), dueAt: due(version) }], now: clock.now() }]);
      versions.set(streamId, version + 1);
    });
    settings.log(`  ${eventsAlone.perSecond}/s, p50 ${eventsAlone.p50Ms} ms, p99 ${eventsAlone.p99Ms} ms, chain ${eventsAlone.chainVerified ? 'verified' : 'BROKEN'}`);

    settings.log(`appends: the audit head held across Node (the path before migration 0011), ${CONNECTIONS} connections, ${seconds} s`);
    const held = await runWriters(db, seconds, 'held', async (streamId, i) => {
      // The same writes as the command's, one statement each, the append last, COMMIT from Node.
      await db.transaction(async (tx) => {
        const now = clock.now();
        await lockStream(tx, streamId);
        const { version } = await readStream(tx, streamId);
        await syncDeadlines(tx, streamId, [{ key: 'due', kind: 'reminder', dueAt: due(i + 1) }], now, { streamLocked: true });
        await tx.query('SELECT project_bench_view($1::jsonb)', [JSON.stringify({ streamId, n: version + 1 })]);
        await enqueueEffects(tx, [{ idempotencyKey: `${streamId}:${version + 1}`, destination: `conversation-${streamId}`, kind: 'card', payload: { n: version + 1 } }], { streamId, now });
        await appendToLockedStream(tx, streamId, version, [{ type: 'rescheduled', at: now.toISOString(), dueAt: due(i + 1) }], now);
      });
    });
    settings.log(`  ${held.perSecond}/s, p50 ${held.p50Ms} ms, p99 ${held.p99Ms} ms, chain ${held.chainVerified ? 'verified' : 'BROKEN'}`);

    return {
      connections: CONNECTIONS,
      seconds,
      targetPerSecond: TARGET_PER_SECOND,
      command,
      eventsAlone,
      heldAcrossNode: held,
      throughputRatioCommandToHeld: Math.round((command.perSecond / held.perSecond) * 100) / 100,
      targetMet: eventsAlone.perSecond >= TARGET_PER_SECOND && [command, eventsAlone, held].every((r) => r.chainVerified && r.lost === 0 && r.duplicated === 0),
    };
  } finally {
    await db.close();
    await dropBenchSchema(schema);
  }
}
