/**
 * The delivery worker: the outbox deliverer with the transport table and the aggregates'
 * delivery hooks. `bin/serve.ts` and the test harness build it the same way, through here.
 */
import type { Clock } from '../../store/clock.js';
import type { Db, Tx } from '../../store/db.js';
import { createOutboxDeliverer, type OutboxDeliverer, type OutboxRecord } from '../../store/outbox.js';
import type { Pacer } from '../../store/pacer.js';
import { errorFields } from '../log.js';
import { createDeliveryTransport, type DeliveryOptions } from './transports.js';

/** The transport table's options, and the outbox deliverer's. */
export interface DeliveryWorkerOptions extends DeliveryOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly workerId: string;
  /** Told, in the settling transaction, what a delivered effect's transport learnt (one hook per aggregate). */
  readonly recorders: readonly ((tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void>)[];
  readonly pacer?: Pacer;
  readonly attemptTimeoutMs?: number;
  /** The loop's wait after failed passes in a row (the database unreachable). */
  readonly loopBackoff?: { readonly baseMs: number; readonly capMs: number };
  readonly idleMs?: number;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): OutboxDeliverer {
  const { logger } = options;
  return createOutboxDeliverer({
    db: options.db,
    clock: options.clock,
    workerId: options.workerId,
    transport: createDeliveryTransport(options),
    onDelivered: async (tx, effect, receipt) => {
      for (const record of options.recorders) await record(tx, effect, receipt);
    },
    onError: (error, effect) => logger.error('delivery.record_failed', { effectId: effect.id, kind: effect.kind, ...errorFields(error) }),
    onLoopError: (error) => logger.warn('delivery.pass_failed', errorFields(error)),
    ...(options.pacer !== undefined && { pacer: options.pacer }),
    ...(options.attemptTimeoutMs !== undefined && { attemptTimeoutMs: options.attemptTimeoutMs }),
    ...(options.loopBackoff !== undefined && { loopBackoff: options.loopBackoff }),
    ...(options.idleMs !== undefined && { idleMs: options.idleMs }),
  });
}
