import { kyselyAdapter } from "@better-auth/kysely-adapter";
import type { DBAdapter } from "@better-auth/core/db/adapter";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { Kysely, PostgresDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createAdapterRateLimitStorage } from "../../bench/adapter-rate-limit-storage.js";
import { rawRateLimitConsume } from "../../bench/contestants/raw-rate-limit-consume.js";
import {
  createCountingPool,
  type CountingPool,
} from "../../bench/counting-pool.js";
import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

// The bench compares rate limiters only if each does the same job: these
// tests pin the decisions of its raw floor and of its replay of Better
// Auth's database storage, and check the replay against Better Auth's own.

const RULE = { window: 60, max: 2 };
const BASE_URL = "http://127.0.0.1:3000";
const OPTIONS = {
  baseURL: BASE_URL,
  secret: "bench-rate-limit-test-secret-0123456789abcdef",
  logger: { level: "error" },
  rateLimit: {
    enabled: true,
    storage: "database",
    customRules: { "/get-session": RULE },
  },
} satisfies BetterAuthOptions;

let database: TestDatabase;
let counting: CountingPool;
let kysely: Kysely<unknown>;
let factory: ReturnType<typeof kyselyAdapter>;
let adapter: DBAdapter;

beforeAll(async () => {
  database = await createTestDatabase("bench_rate_limit");
  await database.pool.query(
    renderDdl(planSchemaDdl(resolveSchema({ auth: OPTIONS }))),
  );
  counting = createCountingPool(database.url, 2);
  kysely = new Kysely({
    dialect: new PostgresDialect({ pool: counting.pool }),
  });
  factory = kyselyAdapter(kysely, { type: "postgres", transaction: true });
  adapter = factory(OPTIONS);
});

afterAll(async () => {
  await kysely?.destroy();
  await database?.drop();
});

/** Moves a bucket's last counted request `seconds` into the past. */
async function age(key: string, seconds: number) {
  await database.pool.query(
    `UPDATE "rateLimit" SET "lastRequest" = "lastRequest" - $2::bigint
     WHERE "key" = $1`,
    [key, seconds * 1000],
  );
}

async function decisions(
  consume: (key: string) => Promise<{ allowed: boolean }>,
  key: string,
  requests: number,
) {
  const allowed = [];
  for (let request = 0; request < requests; request++) {
    allowed.push((await consume(key)).allowed);
  }
  return allowed;
}

describe("the raw floor's consume", () => {
  const consume = (key: string) =>
    rawRateLimitConsume(database.pool, key, RULE);

  it("allows max requests in a window and refuses the next", async () => {
    expect(await decisions(consume, "raw-max", 3)).toEqual([true, true, false]);
  });

  it("gives a refused request the seconds until its window frees up", async () => {
    await decisions(consume, "raw-retry", 2);

    const refused = await consume("raw-retry");

    expect(refused.allowed).toBe(false);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
  });

  it("restarts a bucket whose window has passed", async () => {
    await decisions(consume, "raw-reset", 3);
    await age("raw-reset", 61);

    expect(await decisions(consume, "raw-reset", 3)).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe("the replay of Better Auth's database storage", () => {
  const consume = (key: string) =>
    createAdapterRateLimitStorage(adapter, RULE.window).consume(key, RULE);

  it("allows max requests in a window and refuses the next", async () => {
    expect(await decisions(consume, "replay-max", 3)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("restarts a bucket whose window has passed", async () => {
    await decisions(consume, "replay-reset", 3);
    await age("replay-reset", 61);

    expect(await decisions(consume, "replay-reset", 3)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("sends the statements Better Auth's own storage sends for a new, a counted and a refused request", async () => {
    const auth = betterAuth({ ...OPTIONS, database: factory });
    const request = (ip: string) =>
      auth.handler(
        new Request(`${BASE_URL}/api/auth/get-session`, {
          headers: { "x-forwarded-for": ip },
        }),
      );
    // The first request also runs Better Auth's one-time schema check.
    await request("203.0.113.1");

    counting.record();
    for (let index = 0; index < 3; index++) await request("203.0.113.9");
    const betterAuthSql = counting.takeRecorded();

    counting.record();
    await decisions(consume, "replay-same-statements", 3);
    const replaySql = counting.takeRecorded();

    expect(betterAuthSql.length).toBeGreaterThan(0);
    expect(replaySql).toEqual(betterAuthSql);
  });
});
