import { kyselyAdapter } from "@better-auth/kysely-adapter";
import { Kysely, PostgresDialect } from "kysely";

import type { BenchOptions } from "../bench-options.js";
import { createAdapterRateLimitStorage } from "../adapter-rate-limit-storage.js";
import type { Contestant } from "../contestant.js";
import { createCountingPool } from "../counting-pool.js";
import { RATE_LIMIT_RULE } from "../rate-limit-rule.js";
import { createAdapterContestant } from "./adapter-contestant.js";

/**
 * Better Auth's default for Postgres: handed a `pg.Pool`, Better Auth wraps
 * it in Kysely's PostgresDialect and the Kysely adapter with transactions
 * on (`db/adapter-kysely`). The bench builds the same thing by hand so that
 * the pool is its counting one. Rate limiting is Better Auth's database
 * storage over this adapter.
 */
export function createKyselyContestant(
  url: string,
  poolSize: number,
  options: BenchOptions,
): Contestant {
  const counting = createCountingPool(url, poolSize);
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: counting.pool }),
  });

  return createAdapterContestant({
    name: "Better Auth Kysely",
    namespace: "kysely",
    counting,
    factory: kyselyAdapter(db, { type: "postgres", transaction: true }),
    options,
    rateLimit: (adapter) =>
      createAdapterRateLimitStorage(adapter, RATE_LIMIT_RULE.window),
    notes: [
      'Better Auth Kysely rate-limit consume: Better Auth\'s `rateLimit.storage: "database"` call sequence (findMany, then incrementOne) on the Kysely adapter.',
    ],
    // Kysely's destroy ends the pool it was given.
    close: () => db.destroy(),
  });
}
