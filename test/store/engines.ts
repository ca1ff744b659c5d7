/**
 * Runs a suite on both engines: PGlite in memory, and the PostgreSQL server on this machine
 * in a schema made for the run and dropped after it, so parallel runs never meet.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IN_MEMORY, openDatabase, type Db, type DatabaseOptions } from '../../store/db.js';

export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const ENGINES = ['pglite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export function uniqueSchema(prefix = 'rt'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly db: Db;
  readonly options: DatabaseOptions;
  dispose(): Promise<void>;
}

export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const options: DatabaseOptions = { kind: 'pglite', dataDir: IN_MEMORY };
    const db = await openDatabase(options);
    return { db, options, dispose: () => db.close() };
  }
  const schema = uniqueSchema();
  const options: DatabaseOptions = { kind: 'postgres', url: TEST_DATABASE_URL, schema };
  const db = await openDatabase(options);
  return {
    db,
    options,
    async dispose() {
      await db.close();
      await dropSchema(schema);
    },
  };
}

/**
 * Declares `body` once per engine. One database is shared by the tests of a block: tests keep
 * apart by using their own stream ids, keys and destinations.
 */
export function describeOnEngines(title: string, body: (ctx: { readonly db: Db; readonly engine: Engine; readonly options: DatabaseOptions }) => void): void {
  for (const engine of ENGINES) {
    describe(`${title} [${engine}]`, function () {
      this.timeout(30_000);
      let opened: TestDatabase | undefined;
      const ctx = {
        engine,
        get db(): Db {
          if (!opened) throw new Error('the test database is not open yet');
          return opened.db;
        },
        get options(): DatabaseOptions {
          if (!opened) throw new Error('the test database is not open yet');
          return opened.options;
        },
      };
      before(async () => {
        opened = await openTestDatabase(engine);
      });
      after(async () => {
        await opened?.dispose();
      });
      body(ctx);
    });
  }
}
