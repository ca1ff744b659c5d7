/**
 * The delivery worker: the outbox deliverer with the transport table and the aggregates'
 * delivery hooks, and beside it the purge of delivered effects past their retention, followed
 * on PGlite (which has no autovacuum) by a VACUUM (ANALYZE) once the purge has caught up.
 * `bin/serve.ts` and the test harness build it the same way, through here.
 */
import type { Clock } from '../../store/clock.js';
import type { Db, Tx } from '../../store/db.js';
import { createOutboxDeliverer, purgeDeliveredEffects, type DeliveryFailure, type OutboxDeliverer, type OutboxRecord } from '../../store/outbox.js';
import { tidyEmbeddedDatabase } from '../../store/maintenance.js';
import type { Pacer } from '../../store/pacer.js';
import { pollLoop, realSleep, type Sleep } from '../../store/poll-loop.js';
import { errorFields } from '../log.js';
import { EFFECT_KINDS } from './messages.js';
import { createDeliveryTransport, type DeliveryOptions } from './transports.js';

/** How long a delivered effect is kept (OUTBOX_RETENTION_DAYS in bin/config.ts has the same default). */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 30;

/**
 * Kept however old: a review's calendar create. Its receipt is where the meeting's calendar event
 * id is read back from when the booking is cancelled (`reviewCalendarEvents` in
 * app/reviews/booking.ts looks the create up by its key once the series' booking is gone), and a
 * meeting is often cancelled more than a retention after it was booked. One row per booking.
 */
const KEPT_KINDS: readonly string[] = [EFFECT_KINDS.calendarCreate];

export interface OutboxPurgeOptions {
  /** Delivered effects older than this many days are deleted. Default 30. */
  readonly retentionDays?: number;
  /** The rest between purges once nothing is left to delete. Default 1 hour. */
  readonly everyMs?: number;
  /** Effects deleted in one statement; a full batch is followed by another after `pauseMs`. Default 500. */
  readonly batchSize?: number;
  /** The rest between full batches, so a long backlog never holds the database for long. Default 1 s. */
  readonly pauseMs?: number;
  readonly sleep?: Sleep;
}

/** The transport table's options, and the outbox deliverer's. */
export interface DeliveryWorkerOptions extends DeliveryOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly workerId: string;
  /** Told, in the settling transaction, what a delivered effect's transport learnt (one hook per aggregate). */
  readonly recorders: readonly ((tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void>)[];
  /** Told, in the transaction that records an effect as failed for good, what the outbox recorded (one hook per aggregate). */
  readonly failureRecorders?: readonly ((tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => Promise<void>)[];
  readonly pacer?: Pacer;
  readonly attemptTimeoutMs?: number;
  /** The loop's wait after failed passes in a row (the database unreachable). */
  readonly loopBackoff?: { readonly baseMs: number; readonly capMs: number };
  readonly idleMs?: number;
  /** The purge of delivered effects past their retention, run beside the deliverer while it is started. */
  readonly purge?: OutboxPurgeOptions;
}

export interface DeliveryWorker extends OutboxDeliverer {
  /** One purge batch now: deletes up to `batchSize` delivered effects past their retention; says how many. */
  purgeOnce(): Promise<number>;
  /** PGlite's housekeeping now (each table vacuumed and analysed, the event store only analysed); the tables tidied, none on a server, whose autovacuum does it. */
  tidyOnce(): Promise<string[]>;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { logger, db, clock } = options;
  const deliverer = createOutboxDeliverer({
    db: options.db,
    clock: options.clock,
    workerId: options.workerId,
    transport: createDeliveryTransport(options),
    onDelivered: async (tx, effect, receipt) => {
      for (const record of options.recorders) await record(tx, effect, receipt);
    },
    ...(options.failureRecorders !== undefined && options.failureRecorders.length > 0 && {
      onFailed: async (tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => {
        for (const record of options.failureRecorders!) await record(tx, effect, failure);
      },
    }),
    onError: (error, effect) => logger.error('delivery.record_failed', { effectId: effect.id, kind: effect.kind, ...errorFields(error) }),
    onLoopError: (error) => logger.warn('delivery.pass_failed', errorFields(error)),
    ...(options.pacer !== undefined && { pacer: options.pacer }),
    ...(options.attemptTimeoutMs !== undefined && { attemptTimeoutMs: options.attemptTimeoutMs }),
    ...(options.loopBackoff !== undefined && { loopBackoff: options.loopBackoff }),
    ...(options.idleMs !== undefined && { idleMs: options.idleMs }),
  });

  const retentionDays = options.purge?.retentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS;
  if (!(Number.isInteger(retentionDays) && retentionDays >= 1)) throw new RangeError(`The outbox retention must be a whole number of days, 1 or more, not ${retentionDays}.`);
  const batchSize = options.purge?.batchSize ?? 500;
  const everyMs = options.purge?.everyMs ?? 60 * 60_000;
  const pauseMs = options.purge?.pauseMs ?? 1_000;
  const sleep = options.purge?.sleep ?? realSleep;

  async function purgeOnce(): Promise<number> {
    const deliveredBefore = new Date(clock.now().getTime() - retentionDays * 86_400_000);
    const deleted = await purgeDeliveredEffects(db, { deliveredBefore, limit: batchSize, keepKinds: KEPT_KINDS });
    if (deleted > 0) logger.info('delivery.purged', { deleted, retentionDays });
    return deleted;
  }
  async function tidyOnce(): Promise<string[]> {
    const started = Date.now();
    const tables = await tidyEmbeddedDatabase(db);
    if (tables.length > 0) logger.info('store.tidied', { tables: tables.length, ms: Date.now() - started });
    return tables;
  }
  let lastDeleted = 0;
  let passes = 0;
  const purging = pollLoop(
    async () => {
      lastDeleted = await purgeOnce();
      // Caught up (the next pass is an hour away), and not at start-up, when people start clicking:
      // PGlite's dead rows, the purge's among them, are reclaimed. A failure here is logged on its
      // own and leaves the purge's rhythm alone.
      if (lastDeleted < batchSize && passes++ > 0) {
        await tidyOnce().catch((error: unknown) => logger.warn('store.tidy_failed', errorFields(error)));
      }
    },
    () => true,
    (signal) => sleep(lastDeleted >= batchSize ? pauseMs : everyMs, signal),
    { sleep, onError: (error) => logger.warn('delivery.purge_failed', errorFields(error)), ...(options.loopBackoff !== undefined && { backoff: options.loopBackoff }) },
  );

  return {
    runOnce: () => deliverer.runOnce(),
    totals: deliverer.totals,
    purgeOnce,
    tidyOnce,
    start: async () => {
      await Promise.all([deliverer.start(), purging.start()]);
    },
    async stop() {
      await Promise.all([deliverer.stop(), purging.stop()]);
    },
  };
}
