/**
 * The database goes away under a running bot and comes back. On PostgreSQL a throw-away cluster
 * of the test's own is stopped and started (never the shared server on 5432). PGlite runs inside
 * the process and cannot be stopped under it, so there a store whose every call fails as a lost
 * connection stands in for the outage.
 */
import assert from 'node:assert/strict';
import { DATABASE_UNAVAILABLE_TEXT } from '../../cards/index.js';
import { IN_MEMORY, openDatabase, type Db, type Statement, type Tx } from '../../store/db.js';
import { verifyChain } from '../../store/events.js';
import { startThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from '../store/throwaway-postgres.js';
import { actionsIn, invokeCard } from './card-queries.js';
import { cardsIn, type JsonObject } from './recording-connector.js';
import { startBotHarness, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, IRO
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad, social worker
const TEAM_MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce, her team manager

const form = {
  formId: 'form-outage',
  allocatedWorkerId: WORKER,
  caseReference: 'LCS-771203',
  subjectInitials: 'A.K.',
  policyId: 'oxfordshire',
  alertTypeId: 'r_and_e',
  issue: 'The care plan has not been shared with the carers.',
  impact: 'The carers do not know the contact arrangements.',
  resolutionSought: 'The care plan shared with the carers.',
  resolutionSoughtBy: '2026-12-04',
};

/** An outage of the database, and its end, for one engine. */
interface Outage {
  open(): Promise<Db>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** PGlite behind a switch: while off, every call fails as a lost connection does (ECONNREFUSED). */
function pgliteOutage(): Outage {
  let down = false;
  const refuse = () => {
    if (down) throw Object.assign(new Error('connect ECONNREFUSED (the database is stopped for this test)'), { code: 'ECONNREFUSED' });
  };
  return {
    async open() {
      const db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
      const guard = (q: Pick<Db, 'query' | 'exec'>) => ({
        query: async <R>(sql: Statement, params?: readonly unknown[]) => (refuse(), q.query<R>(sql, params)),
        exec: async (sql: string) => (refuse(), q.exec(sql)),
      });
      return {
        ...db,
        ...guard(db),
        transaction: async <T>(fn: (tx: Tx) => Promise<T>) => (refuse(), db.transaction((tx) => fn({ ...tx, ...guard(tx) }))),
        migrationsApplied: async () => (refuse(), db.migrationsApplied()),
        close: () => db.close(),
      } satisfies Db;
    },
    stop: async () => {
      down = true;
    },
    start: async () => {
      down = false;
    },
    destroy: async () => undefined,
  };
}

function postgresOutage(): Outage {
  let cluster: ThrowawayPostgres | undefined;
  return {
    async open() {
      cluster = await startThrowawayPostgres();
      return openDatabase({ kind: 'postgres', url: cluster.url });
    },
    stop: () => cluster!.stop(),
    start: () => cluster!.start(),
    destroy: async () => cluster?.destroy(),
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

for (const [engine, makeOutage] of [['pglite', pgliteOutage], ['postgres', postgresOutage]] as const) {
  describe(`bot: the database stopped and started under a running bot [${engine}]`, function () {
    this.timeout(120_000);
    let outage: Outage;
    let bot: BotHarness;

    before(function () {
      if (engine === 'postgres') {
        const why = throwawayPostgresUnavailable();
        // Never skipped: a machine that cannot run a throw-away cluster fails this test, saying why.
        if (why !== undefined) throw new Error(`the outage test needs a throw-away PostgreSQL cluster: ${why}`);
      }
    });
    beforeEach(async () => {
      outage = makeOutage();
      bot = await startBotHarness({ cases: true, openDatabase: () => outage.open() });
    });
    afterEach(async () => {
      await outage.start().catch(() => undefined);
      await bot.close();
      await outage.destroy();
    });

    it('stays up: /readyz says not ready, chat and card requests get 503 and "nothing was changed" within 2 s, the workers back off, and work resumes by itself when it returns, losing nothing acknowledged', async () => {
      await bot.say(IRO, 'help');
      await bot.say(WORKER, 'help');
      const raised = await bot.invoke(IRO, 'raiseSubmit', form);
      assert.equal(raised.status, 200);
      await bot.deliver();
      const workerCard = bot.cardsTo(WORKER).at(-1);
      const accept = workerCard && actionsIn(workerCard).find((a) => a.verb === 'respondAccept');
      assert.ok(accept, 'the social worker holds the action card');
      bot.startDelivery();

      await outage.stop();
      bot.connector.clear();

      const ready = await bot.get('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual((ready.body as JsonObject).status, 'not ready');
      assert.equal((await bot.get('/healthz')).status, 200, 'the process is alive');

      const chat = await timed(bot.say(IRO, 'my cases'));
      assert.equal(chat.value.status, 503);
      assert.ok(chat.ms < 2000, `a chat message is answered within 2 s (took ${chat.ms} ms)`);
      const told = bot.sentTo(IRO).flatMap((s) => cardsIn(s.activity));
      assert.ok(told.some((c) => JSON.stringify(c).includes(DATABASE_UNAVAILABLE_TEXT)), 'the chat gets the card saying nothing was changed');

      const click = await timed(bot.invoke(WORKER, 'respondAccept', accept.data as JsonObject));
      assert.equal(click.value.status, 503);
      assert.ok(click.ms < 2000, `a card action is answered within 2 s (took ${click.ms} ms)`);
      assert.deepEqual((click.value.body as JsonObject).value, { code: 'ServiceUnavailable', message: DATABASE_UNAVAILABLE_TEXT });

      const failures = () => bot.logs.filter((l) => l.event === 'delivery.pass_failed').map((l) => Date.parse(String(l.time)));
      await until(() => failures().length >= 3, 'the delivery worker reports failed passes and keeps going');
      const [a, b, c] = failures();
      assert.ok(b! - a! >= 40 && c! - b! >= b! - a! - 10, `the worker backs off between failed passes (${b! - a!} ms, then ${c! - b!} ms)`);

      await outage.start();
      await until(async () => (await bot.get('/readyz')).status === 200, 'the bot is ready again');
      const accepted = await bot.invoke(WORKER, 'respondAccept', accept.data as JsonObject);
      assert.equal(accepted.status, 200);
      assert.doesNotMatch(JSON.stringify(invokeCard(accepted.body)), /Nothing was changed/, 'the same click works once the database is back');
      // The running worker delivers the updates by itself: nobody calls deliver().
      await until(() => bot.sentTo(TEAM_MANAGER).some((s) => s.kind === 'update'), 'the team manager\'s copy is updated by the running worker');

      const [stored] = await bot.db!.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id = 'case-form-outage'`);
      assert.ok((stored?.n ?? 0) >= 2, 'the raise from before the outage and the accept after it are both there');
      assert.equal((await verifyChain(bot.db!)).ok, true, 'the audit chain is whole');
    });
  });
}
