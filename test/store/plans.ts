/**
 * For the tests of what a query's plan reads: the statement a store function sends (learnt from a
 * recorder that runs nothing), and its plan as `EXPLAIN (FORMAT JSON)` gives it, on either engine.
 */
import { randomBytes } from 'node:crypto';
import { TestClock } from '../../store/clock.js';
import { statementText, type Db, type Queryable, type Statement as Sql } from '../../store/db.js';
import { claimQuery, createOutboxDeliverer } from '../../store/outbox.js';

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A Queryable that runs nothing: it keeps every statement it is sent and answers no rows. */
export function recorder(): Queryable & { readonly sent: Statement[] } {
  const sent: Statement[] = [];
  return {
    sent,
    async query<R>(sql: Sql, params: readonly unknown[] = []): Promise<R[]> {
      sent.push({ sql: statementText(sql), params });
      return [];
    },
    async exec(sql: string) {
      sent.push({ sql, params: [] });
    },
  };
}

/** The one statement `call` sends. */
export async function statementOf(call: (q: Queryable) => Promise<unknown>): Promise<Statement> {
  const q = recorder();
  await call(q);
  if (q.sent.length !== 1) throw new Error(`expected one statement, got ${q.sent.length}`);
  return q.sent[0]!;
}

/**
 * The deliverer's claim at `now`: up to `limit` effects, at most `perDestination` for each
 * destination (the loop claims 1, `runOnce` a whole batch), `busy` destinations left alone; the
 * statement the deliverer sends for those (`claimQuery`), with the lease `runOnce` takes.
 */
export async function claimStatement(now: Date, options: { readonly limit: number; readonly perDestination: number; readonly busy?: readonly string[]; readonly workerId?: string }): Promise<Statement> {
  const q = recorder();
  const deliverer = createOutboxDeliverer({
    db: { ...q, kind: 'pglite', inTransaction: false } as unknown as Db,
    clock: new TestClock(now),
    workerId: options.workerId ?? 'plan-worker',
    transport: async () => ({ outcome: 'delivered' }),
    batchSize: options.limit,
  });
  await deliverer.runOnce();
  const [claim] = q.sent;
  if (claim === undefined || q.sent.length !== 1) throw new Error('runOnce did not send exactly its claim');
  // [workerId, now, leaseUntil, limit, perDestination, busy]: the lease as runOnce took it.
  const leaseMs = new Date(claim.params[2] as string).getTime() - now.getTime();
  const { sql, params } = claimQuery(options.workerId ?? 'plan-worker', now, leaseMs, { limit: options.limit, perDestination: options.perDestination, busy: options.busy ?? [] });
  // runOnce calls claim_outbox (migration 0017), which runs claimQuery's statement: same arguments.
  if (!/^SELECT \* FROM claim_outbox\(/.test(claim.sql)) throw new Error(`runOnce does not call claim_outbox: ${claim.sql}`);
  if (options.perDestination === options.limit && JSON.stringify(params.slice(0, 5)) !== JSON.stringify(claim.params.slice(0, 5))) throw new Error('claimQuery is not given what runOnce sends');
  return { sql, params };
}

/** claimQuery's statements with claim_outbox's argument names, as migration 0017 holds them (one effect a destination, then more). */
export function claimFunctionStatements(): readonly string[] {
  const names = ['p_worker', 'p_now', 'p_lease_until', 'p_limit', 'p_per_destination', 'p_busy'];
  return [1, 2].map((perDestination) => claimQuery('w', new Date(0), 1, { limit: 8, perDestination, busy: [] }).sql.replace(/\$(\d)/g, (_, n: string) => names[Number(n) - 1]!));
}

export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Subplan Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

export async function explain(q: Queryable, s: Statement): Promise<PlanNode> {
  const [row] = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
  const raw = row!['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  return parsed[0].Plan;
}

/**
 * The generic plan of the statement, the one a PL/pgSQL function keeps under
 * `plan_cache_mode = force_generic_plan` (claim_outbox, migration 0017): planned without the
 * arguments' values, then explained for these.
 */
export async function explainGeneric(db: Db, s: Statement): Promise<PlanNode> {
  // A name of its own each time: a prepared statement outlives a failed transaction on its connection.
  const name = `generic_plan_${randomBytes(4).toString('hex')}`;
  return db.transaction(async (tx) => {
    await tx.exec('SET LOCAL plan_cache_mode = force_generic_plan');
    await tx.exec(`PREPARE ${name} AS ${s.sql}`);
    // EXPLAIN EXECUTE takes no bound parameters: the arguments are written as literals.
    const literal = (v: unknown): string =>
      Array.isArray(v) ? `ARRAY[${v.map(literal).join(', ')}]::text[]` : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
    const plan = await explain(tx, { sql: `EXECUTE ${name}(${s.params.map(literal).join(', ')})`, params: [] });
    await tx.exec(`DEALLOCATE ${name}`);
    // A generic plan compares with the parameters, not with the values given to EXECUTE.
    if (!/\$[1-9]/.test(JSON.stringify(plan))) throw new Error(`not a generic plan (no parameter in it): ${JSON.stringify(plan).slice(0, 400)}`);
    return plan;
  });
}

/** Every node of the plan, depth first. */
export function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** "Index Scan using outbox_by_stream on outbox", "Seq Scan on outbox", "Sort". */
export function describeNode(n: PlanNode): string {
  return `${n['Node Type']}${n['Index Name'] !== undefined ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] !== undefined ? ` on ${n['Relation Name']}` : ''}`;
}

/** The plan of a CTE (its "Subplan Name" is "CTE <name>"). */
export function cte(plan: PlanNode, name: string): PlanNode | undefined {
  return nodes(plan).find((n) => n['Subplan Name'] === `CTE ${name}`);
}

/** Scans that read a whole table (`Seq Scan on <table>`). */
export const seqScans = (plan: PlanNode, table: string) => nodes(plan).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table).map(describeNode);

export const indexesUsed = (plan: PlanNode) => [...new Set(nodes(plan).flatMap((n) => (n['Index Name'] !== undefined ? [n['Index Name']] : [])))];
