import type { DBAdapter } from "@better-auth/core/db/adapter";
import type { BetterAuthOptions } from "better-auth";
import pg from "pg";

import {
  applySchema,
  pgAuthAdapter,
  type PgAuthAdapterOptions,
} from "../../generator/index.js";
import type { QueryLog } from "../../runtime/create-adapter-methods.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

/** One statement the adapter sent, as its debug log reports it. */
export type LoggedStatement = Parameters<QueryLog>[0];

/** A fresh database with the schema of `auth` and an adapter on it. */
export interface AdapterFixture {
  readonly adapter: DBAdapter<BetterAuthOptions>;
  readonly database: TestDatabase;
  /** The pool the adapter uses (the database's own unless replaced). */
  readonly pool: pg.Pool;
  /** Every statement sent so far; clear it with `statements.length = 0`. */
  readonly statements: LoggedStatement[];
  drop(): Promise<void>;
}

/**
 * Creates a database, applies the DDL for `auth` and builds the adapter
 * through the programmatic entry, logging statements (SQL and name only).
 */
export async function createAdapterFixture(
  label: string,
  auth: BetterAuthOptions,
  options: Pick<PgAuthAdapterOptions, "schema" | "usePlural"> & {
    pool?: pg.PoolConfig;
  } = {},
): Promise<AdapterFixture> {
  const database = await createTestDatabase(label);
  const pool =
    options.pool === undefined
      ? database.pool
      : new pg.Pool({ connectionString: database.url, ...options.pool });
  await applySchema(pool, auth, options);

  const statements: LoggedStatement[] = [];
  const adapter = pgAuthAdapter(pool, {
    schema: options.schema,
    usePlural: options.usePlural,
    debugLogs: true,
    logger: (event) => statements.push(event),
  })(auth);

  return {
    adapter,
    database,
    pool,
    statements,
    drop: async () => {
      if (pool !== database.pool) {
        pool.on("error", () => {});
        await pool.end();
      }
      await database.drop();
    },
  };
}

/** The data of a user Better Auth would create, minus what it defaults. */
export function userData(email: string, extra: Record<string, unknown> = {}) {
  return { name: email.split("@")[0], email, ...extra };
}
