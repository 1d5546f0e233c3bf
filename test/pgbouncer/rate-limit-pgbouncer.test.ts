import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createRateLimitStore } from "../../runtime/rate-limit-store.js";
import {
  createRateLimitDatabase,
  type RateLimitDatabase,
} from "../rate-limit/rate-limit-database.js";
import {
  describeThroughPgBouncer,
  poolThroughPgBouncer,
} from "../support/pgbouncer.js";

// The rate-limit store decides each request in one statement, so it needs
// no session state and its row locks end with the statement's transaction:
// PgBouncer may hand every consume to a different server session.
describeThroughPgBouncer(
  "the rate-limit store through PgBouncer",
  (bouncerUrl) => {
    let database: RateLimitDatabase;
    let pool: pg.Pool;

    beforeAll(async () => {
      database = await createRateLimitDatabase("rate_limit_pgbouncer");
      pool = poolThroughPgBouncer(bouncerUrl, database.url, 20);
    });

    afterAll(async () => {
      await pool?.end();
      await database?.drop();
    });

    it("allows exactly max of 300 concurrent requests on one key", async () => {
      const store = createRateLimitStore({
        database: pool,
        table: database.table,
        onError: "throw",
      });

      const decisions = await Promise.all(
        Array.from({ length: 300 }, () =>
          store.consume("burst", { window: 60, max: 10 }),
        ),
      );

      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
      const { rows } = await database.pool.query(
        `SELECT "count" FROM "rateLimit" WHERE "key" = 'burst'`,
      );
      expect(rows).toEqual([{ count: 10 }]);
    });

    it("gives each of 20 keys its own max under concurrent requests", async () => {
      const store = createRateLimitStore({
        database: pool,
        table: database.table,
        onError: "throw",
      });
      const keys = Array.from({ length: 20 }, (_, index) => `key-${index}`);

      const decisions = await Promise.all(
        keys.flatMap((key) =>
          Array.from({ length: 8 }, async () => ({
            key,
            allowed: (await store.consume(key, { window: 60, max: 5 })).allowed,
          })),
        ),
      );

      const allowedPerKey = keys.map(
        (key) =>
          decisions.filter((entry) => entry.key === key && entry.allowed)
            .length,
      );
      expect(allowedPerKey).toEqual(keys.map(() => 5));
    });

    it("deletes expired rows through the bouncer", async () => {
      const tenMinutesAgo = createRateLimitStore({
        database: pool,
        table: database.table,
        onError: "throw",
        now: () => Date.now() - 600_000,
      });
      await tenMinutesAgo.consume("old", { window: 60, max: 5 });
      const store = createRateLimitStore({
        database: pool,
        table: database.table,
      });

      const deleted = await store.deleteExpired({ olderThanSeconds: 300 });

      expect(deleted).toBe(1);
      const { rows } = await database.pool.query(
        `SELECT "key" FROM "rateLimit" WHERE "key" = 'old'`,
      );
      expect(rows).toEqual([]);
    });
  },
);
