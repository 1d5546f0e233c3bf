import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DatabaseError } from "../../runtime/database-error.js";
import { rateLimitSql } from "../../runtime/rate-limit-sql.js";
import {
  createRateLimitStore,
  RateLimitStoreError,
  type RateLimitStore,
  type RateLimitStoreOptions,
} from "../../runtime/rate-limit-store.js";
import { connectionFor, SqlConnection } from "../../runtime/sql-connection.js";
import {
  createRateLimitDatabase,
  type RateLimitDatabase,
} from "./rate-limit-database.js";

const JAN_1_2026 = 1767268800000;

describe("createRateLimitStore on a pool", () => {
  let database: RateLimitDatabase;

  beforeAll(async () => {
    database = await createRateLimitDatabase("rate_limit_store");
  });

  afterAll(async () => {
    await database.drop();
  });

  /** A store whose clock reads `clock.now` (epoch ms) on every call. */
  function storeAt(
    clock: { now: number },
    options: Partial<RateLimitStoreOptions> = {},
  ): RateLimitStore {
    return createRateLimitStore({
      database: database.pool,
      table: database.table,
      onError: "throw",
      now: () => clock.now,
      ...options,
    });
  }

  async function readRow(key: string) {
    const { rows } = await database.pool.query(
      `SELECT "count", "lastRequest", xmin::text AS version
       FROM "rateLimit" WHERE "key" = $1`,
      [key],
    );
    return rows[0] as
      { count: number; lastRequest: string; version: string } | undefined;
  }

  describe("C22: epoch-ms lastRequest and int8 as string", () => {
    const rule = { window: 10, max: 3 };

    /** Four requests within 10 s, all at the case's first instant. */
    async function fourRequests(key: string) {
      const store = storeAt({ now: JAN_1_2026 });
      const decisions = [];
      for (let request = 0; request < 4; request++) {
        decisions.push(await store.consume(key, rule));
      }
      return decisions;
    }

    it("stores lastRequest in a bigint column", async () => {
      const { rows } = await database.pool.query(
        `SELECT data_type FROM information_schema.columns
         WHERE table_name = 'rateLimit' AND column_name = 'lastRequest'`,
      );

      expect(rows).toEqual([{ data_type: "bigint" }]);
    });

    it("allows the first request and returns count and lastRequest as numbers", async () => {
      const decision = await storeAt({ now: JAN_1_2026 }).consume(
        "c22-first",
        rule,
      );

      expect(decision).toEqual({
        allowed: true,
        retryAfter: null,
        count: 1,
        lastRequest: 1767268800000,
      });
      expect(await readRow("c22-first")).toMatchObject({
        count: 1,
        lastRequest: "1767268800000",
      });
    });

    it("refuses the 4th request within 10 s with a retry-after of 10 s", async () => {
      const decisions = await fourRequests("c22-fourth");

      expect(decisions.map((decision) => decision.allowed)).toEqual([
        true,
        true,
        true,
        false,
      ]);
      expect(decisions[3]).toEqual({
        allowed: false,
        retryAfter: 10,
        count: 3,
        lastRequest: 1767268800000,
      });
      expect(decisions[3]!.lastRequest! + rule.window * 1000).toBe(
        1767268810000,
      );
    });

    it("allows the request at now+10001 with the count reset to 1", async () => {
      await fourRequests("c22-reset");

      const decision = await storeAt({ now: JAN_1_2026 + 10001 }).consume(
        "c22-reset",
        rule,
      );

      expect(decision).toEqual({
        allowed: true,
        retryAfter: null,
        count: 1,
        lastRequest: 1767268810001,
      });
      expect(await readRow("c22-reset")).toMatchObject({
        count: 1,
        lastRequest: "1767268810001",
      });
    });
  });

  it("measures the window from the last counted request, as Better Auth does", async () => {
    const clock = { now: JAN_1_2026 };
    const store = storeAt(clock);
    const rule = { window: 10, max: 2 };

    await store.consume("sliding", rule);
    clock.now = JAN_1_2026 + 6000;
    await store.consume("sliding", rule);
    clock.now = JAN_1_2026 + 12000;
    const beforeWindow = await store.consume("sliding", rule);
    clock.now = JAN_1_2026 + 16000;
    const afterWindow = await store.consume("sliding", rule);

    expect(beforeWindow).toMatchObject({ allowed: false, retryAfter: 4 });
    expect(afterWindow).toMatchObject({ allowed: true, count: 1 });
  });

  it("refuses one millisecond before the window ends and resets exactly at its end", async () => {
    const clock = { now: JAN_1_2026 };
    const store = storeAt(clock);
    const rule = { window: 60, max: 1 };
    await store.consume("edge", rule);

    clock.now = JAN_1_2026 + 59_999;
    const justBefore = await store.consume("edge", rule);
    clock.now = JAN_1_2026 + 60_000;
    const atEnd = await store.consume("edge", rule);

    expect(justBefore).toEqual({
      allowed: false,
      retryAfter: 1,
      count: 1,
      lastRequest: JAN_1_2026,
    });
    expect(atEnd).toEqual({
      allowed: true,
      retryAfter: null,
      count: 1,
      lastRequest: JAN_1_2026 + 60_000,
    });
  });

  it("rounds retry-after up to whole seconds", async () => {
    const clock = { now: JAN_1_2026 };
    const store = storeAt(clock);
    await store.consume("rounding", { window: 10, max: 1 });

    clock.now = JAN_1_2026 + 2500;
    const decision = await store.consume("rounding", { window: 10, max: 1 });

    expect(decision.retryAfter).toBe(8);
  });

  it("writes nothing when it refuses a request", async () => {
    const clock = { now: JAN_1_2026 };
    const store = storeAt(clock);
    await store.consume("untouched", { window: 10, max: 1 });
    const before = await readRow("untouched");

    clock.now = JAN_1_2026 + 3000;
    await store.consume("untouched", { window: 10, max: 1 });
    await store.consume("untouched", { window: 10, max: 1 });

    expect(await readRow("untouched")).toEqual(before);
  });

  it("allows the first request of a window even when max is 0, as Better Auth does", async () => {
    const store = storeAt({ now: JAN_1_2026 });

    const first = await store.consume("zero", { window: 10, max: 0 });
    const second = await store.consume("zero", { window: 10, max: 0 });

    expect(first.allowed).toBe(true);
    expect(second.allowed).toBe(false);
  });

  it("uses the database clock when no clock is injected", async () => {
    const store = createRateLimitStore({
      database: database.pool,
      table: database.table,
    });
    const { rows } = await database.pool.query<{ now: string }>(
      // Truncated like the store's clock: a rounded reading taken first
      // could otherwise come out a millisecond ahead of the store's.
      "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now",
    );

    const decision = await store.consume("database-clock", {
      window: 10,
      max: 3,
    });

    expect(decision.lastRequest! - Number(rows[0]!.now)).toBeGreaterThanOrEqual(
      0,
    );
    expect(decision.lastRequest! - Number(rows[0]!.now)).toBeLessThan(60_000);
  });

  it("sends one statement per consume", async () => {
    const statements: string[] = [];
    const connection = new SqlConnection(database.pool, {
      logger: (event) => statements.push(event.name),
    });
    const store = createRateLimitStore({
      database: connection,
      table: database.table,
    });

    await store.consume("one-statement", { window: 10, max: 1 });
    await store.consume("one-statement", { window: 10, max: 1 });

    expect(statements).toEqual(["rateLimitConsume", "rateLimitConsume"]);
  });

  it("allows exactly max of 300 concurrent requests on one key and raises nothing", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 20 });
    const store = createRateLimitStore({
      database: pool,
      table: database.table,
      onError: "throw",
    });
    try {
      const decisions = await Promise.all(
        Array.from({ length: 300 }, () =>
          store.consume("burst", { window: 60, max: 10 }),
        ),
      );

      const refused = decisions.filter((decision) => !decision.allowed);
      expect(decisions.length - refused.length).toBe(10);
      for (const decision of refused) {
        expect(decision.retryAfter).toBeGreaterThanOrEqual(1);
        expect(decision.retryAfter).toBeLessThanOrEqual(60);
      }
      expect(await readRow("burst")).toMatchObject({ count: 10 });
    } finally {
      await pool.end();
    }
  });

  it("answers every refusal of a burst on a fresh key with the row's count and last request", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 20 });
    const store = createRateLimitStore({
      database: pool,
      table: database.table,
      onError: "throw",
    });
    try {
      // Open every connection first, so that the burst's statements start
      // together, most of them before the key's row exists.
      await Promise.all(
        Array.from({ length: 20 }, () => pool.query("SELECT pg_sleep(0.05)")),
      );
      const decisions = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.consume("fresh-burst", { window: 60, max: 5 }),
        ),
      );

      const row = await readRow("fresh-burst");
      const refused = decisions.filter((decision) => !decision.allowed);
      expect(refused).toHaveLength(95);
      for (const decision of refused) {
        expect(decision).toMatchObject({
          count: 5,
          lastRequest: Number(row!.lastRequest),
        });
      }
    } finally {
      await pool.end();
    }
  });

  it("leaves nothing of a refusal in the connection's settings", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const store = createRateLimitStore({
        database: client,
        table: database.table,
        onError: "throw",
        now: () => JAN_1_2026,
      });
      await store.consume("no-leak", { window: 10, max: 1 });
      const refused = await store.consume("no-leak", { window: 10, max: 1 });

      const { rows } = await client.query<{ refusal: string | null }>(
        "SELECT current_setting('pg_auth_codegen.rate_limit_refusal', true) AS refusal",
      );
      expect(refused.allowed).toBe(false);
      expect(rows[0]!.refusal ?? "").toBe("");
    } finally {
      await client.end();
    }
  });

  it("answers two refusals in one transaction each from its own row", async () => {
    const connection = new SqlConnection(database.pool);
    const clock = { now: JAN_1_2026 };
    const store = createRateLimitStore({
      database: connection,
      table: database.table,
      onError: "throw",
      now: () => clock.now,
    });
    await store.consume("own-row-a", { window: 10, max: 1 });
    clock.now = JAN_1_2026 + 4000;
    await store.consume("own-row-b", { window: 10, max: 1 });

    clock.now = JAN_1_2026 + 5000;
    const [first, second, third] = await connection.transaction(async () => [
      await store.consume("own-row-a", { window: 10, max: 1 }),
      await store.consume("own-row-b", { window: 10, max: 1 }),
      await store.consume("own-row-c", { window: 10, max: 1 }),
    ]);

    expect(first).toEqual({
      allowed: false,
      retryAfter: 5,
      count: 1,
      lastRequest: JAN_1_2026,
    });
    expect(second).toEqual({
      allowed: false,
      retryAfter: 9,
      count: 1,
      lastRequest: JAN_1_2026 + 4000,
    });
    expect(third).toMatchObject({ allowed: true, count: 1 });
  });

  it("gives each of 50 keys its own max under concurrent requests", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 20 });
    const store = createRateLimitStore({
      database: pool,
      table: database.table,
      onError: "throw",
    });
    const keys = Array.from({ length: 50 }, (_, index) => `many-${index}`);
    try {
      const decisions = await Promise.all(
        keys.flatMap((key) =>
          Array.from({ length: 15 }, async () => ({
            key,
            decision: await store.consume(key, { window: 60, max: 10 }),
          })),
        ),
      );

      for (const key of keys) {
        const allowed = decisions.filter(
          (entry) => entry.key === key && entry.decision.allowed,
        );
        expect(allowed, key).toHaveLength(10);
      }
    } finally {
      await pool.end();
    }
  });

  describe("deleteExpired", () => {
    const cleanupRule = { window: 60, max: 5 };

    beforeAll(async () => {
      await database.pool.query(`DELETE FROM "rateLimit"`);
      const clock = { now: JAN_1_2026 };
      const store = storeAt(clock);
      for (const [index, age] of [300, 200, 100, 30, 5].entries()) {
        clock.now = JAN_1_2026 - age * 1000;
        await store.consume(`cleanup-${index}`, cleanupRule);
      }
    });

    async function remainingKeys(): Promise<string[]> {
      const { rows } = await database.pool.query<{ key: string }>(
        `SELECT "key" FROM "rateLimit" ORDER BY "key"`,
      );
      return rows.map((row) => row.key);
    }

    it("deletes the oldest expired rows first, at most limit of them", async () => {
      const store = storeAt({ now: JAN_1_2026 });

      const deleted = await store.deleteExpired({
        olderThanSeconds: 60,
        limit: 2,
      });

      expect(deleted).toBe(2);
      expect(await remainingKeys()).toEqual([
        "cleanup-2",
        "cleanup-3",
        "cleanup-4",
      ]);
    });

    it("keeps rows whose last request is within olderThanSeconds", async () => {
      const store = storeAt({ now: JAN_1_2026 });

      const deleted = await store.deleteExpired({ olderThanSeconds: 60 });

      expect(deleted).toBe(1);
      expect(await remainingKeys()).toEqual(["cleanup-3", "cleanup-4"]);
    });

    it("finds expired rows through the lastRequest index on a large table", async () => {
      const client = await database.pool.connect();
      try {
        await client.query("BEGIN");
        // Keeps autovacuum out until ROLLBACK: its ANALYZE sees none of
        // these uncommitted rows and overwrites the table's size in place,
        // which can make a sequential scan look cheaper.
        await client.query(
          `LOCK TABLE "rateLimit" IN SHARE UPDATE EXCLUSIVE MODE`,
        );
        await client.query(
          `INSERT INTO "rateLimit" ("id", "key", "count", "lastRequest")
           SELECT 'bulk-' || n, 'bulk-' || n, 1, $1::bigint - n * 1000
           FROM generate_series(1, 20000) AS n`,
          [JAN_1_2026],
        );
        await client.query(`ANALYZE "rateLimit"`);

        const { rows } = await client.query(
          `EXPLAIN ${rateLimitSql(database.table).deleteExpired}`,
          [3600, 1000, JAN_1_2026],
        );
        const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");

        expect(plan).toContain("rateLimit_lastRequest_idx");
        expect(plan).toContain('Tid Scan on "rateLimit" stored');
        expect(plan).not.toContain("Seq Scan");
      } finally {
        await client.query("ROLLBACK");
        client.release();
      }
    });
  });

  describe("when the database fails", () => {
    const missing = () => ({ ...database.table, qualifiedName: '"missing"' });
    const key = "198.51.100.23|/sign-in/email";

    it("refuses the request for the whole window under onError deny and reports the error", async () => {
      const reported: RateLimitStoreError[] = [];
      const store = createRateLimitStore({
        database: database.pool,
        table: missing(),
        onError: "deny",
        reportError: (error) => reported.push(error),
      });

      const decision = await store.consume(key, { window: 10, max: 3 });

      expect(decision).toEqual({
        allowed: false,
        retryAfter: 10,
        count: null,
        lastRequest: null,
      });
      expect(reported).toHaveLength(1);
      expect(reported[0]!.cause).toBeInstanceOf(DatabaseError);
      expect(reported[0]!.cause).toMatchObject({ code: "42P01" });
    });

    it("denies by default", async () => {
      const store = createRateLimitStore({
        database: database.pool,
        table: missing(),
      });

      const decision = await store.consume(key, { window: 10, max: 3 });

      expect(decision.allowed).toBe(false);
    });

    it("lets the request through uncounted under onError allow", async () => {
      const store = createRateLimitStore({
        database: database.pool,
        table: missing(),
        onError: "allow",
      });

      const decision = await store.consume(key, { window: 10, max: 3 });

      expect(decision).toEqual({
        allowed: true,
        retryAfter: null,
        count: null,
        lastRequest: null,
      });
    });

    it("throws a RateLimitStoreError naming the table but not the key under onError throw", async () => {
      const store = createRateLimitStore({
        database: database.pool,
        table: missing(),
        onError: "throw",
      });

      const error = await store
        .consume(key, { window: 10, max: 3 })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(RateLimitStoreError);
      expect((error as Error).message).toBe(
        'The rate-limit store could not record a request in table "missing" of model "rateLimit".',
      );
      expect((error as Error).message).not.toContain("198.51.100.23");
    });

    it("throws a RateLimitStoreError from deleteExpired whatever onError says", async () => {
      const store = createRateLimitStore({
        database: database.pool,
        table: missing(),
        onError: "allow",
      });

      await expect(
        store.deleteExpired({ olderThanSeconds: 60 }),
      ).rejects.toBeInstanceOf(RateLimitStoreError);
    });
  });

  it("rejects a table whose lastRequest is not bigint", () => {
    const narrow = {
      ...database.table,
      columns: database.table.columns.map((column) =>
        column.field === "lastRequest"
          ? { ...column, pgType: "integer" }
          : column,
      ),
    };

    expect(() =>
      createRateLimitStore({ database: database.pool, table: narrow }),
    ).toThrow(
      'Field "rateLimit.lastRequest" is integer; it holds epoch milliseconds and must be bigint.',
    );
  });

  it("rejects a rule whose window is not a finite number", async () => {
    const store = storeAt({ now: JAN_1_2026 });

    await expect(
      store.consume("bad-rule", { window: Number.NaN, max: 3 }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it("says what is missing when deleteExpired gets no options", async () => {
    const store = storeAt({ now: JAN_1_2026 });
    const untyped = store.deleteExpired as (options?: unknown) => unknown;

    await expect(untyped()).rejects.toThrow(
      new RangeError(
        "deleteExpired needs olderThanSeconds to be a finite number of seconds, zero or more.",
      ),
    );
  });
});

describe("createRateLimitStore on a single pg.Client", () => {
  let database: RateLimitDatabase;
  let client: pg.Client;
  let connection: SqlConnection;

  beforeAll(async () => {
    database = await createRateLimitDatabase("rate_limit_client");
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    connection = new SqlConnection(client);
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("decides the C22 sequence as on a pool", async () => {
    const clock = { now: JAN_1_2026 };
    const store = createRateLimitStore({
      database: client,
      table: database.table,
      onError: "throw",
      now: () => clock.now,
    });
    const rule = { window: 10, max: 3 };

    const decisions = [];
    for (let request = 0; request < 4; request++) {
      decisions.push(await store.consume("client-c22", rule));
    }
    clock.now = JAN_1_2026 + 10001;
    decisions.push(await store.consume("client-c22", rule));

    expect(decisions).toEqual([
      { allowed: true, retryAfter: null, count: 1, lastRequest: JAN_1_2026 },
      { allowed: true, retryAfter: null, count: 2, lastRequest: JAN_1_2026 },
      { allowed: true, retryAfter: null, count: 3, lastRequest: JAN_1_2026 },
      { allowed: false, retryAfter: 10, count: 3, lastRequest: JAN_1_2026 },
      {
        allowed: true,
        retryAfter: null,
        count: 1,
        lastRequest: JAN_1_2026 + 10001,
      },
    ]);
  });

  it("allows exactly max of 300 concurrent requests on one key and raises nothing", async () => {
    const store = createRateLimitStore({
      database: connection,
      table: database.table,
      onError: "throw",
    });

    const decisions = await Promise.all(
      Array.from({ length: 300 }, () =>
        store.consume("client-burst", { window: 60, max: 10 }),
      ),
    );

    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it("keeps a consume out of another caller's transaction on the shared client", async () => {
    const store = createRateLimitStore({
      database: connection,
      table: database.table,
      onError: "throw",
    });
    let releaseTransaction!: () => void;
    const holding = new Promise<void>((resolve) => {
      releaseTransaction = resolve;
    });

    const transaction = connection
      .transaction(async () => {
        await holding;
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const consumed = store.consume("client-outsider", { window: 60, max: 5 });
    releaseTransaction();

    expect(await transaction).toBe("roll back");
    expect(await consumed).toMatchObject({ allowed: true, count: 1 });
    const { rows } = await connection.query(
      `SELECT "count" FROM "rateLimit" WHERE "key" = 'client-outsider'`,
    );
    expect(rows).toEqual([{ count: 1 }]);
  });
  it("shares the adapter's gate when given the same client", async () => {
    const adapterConnection = connectionFor(client);
    const store = createRateLimitStore({
      database: client,
      table: database.table,
      onError: "throw",
    });
    let releaseTransaction!: () => void;
    const holding = new Promise<void>((resolve) => {
      releaseTransaction = resolve;
    });

    const transaction = adapterConnection
      .transaction(async () => {
        await holding;
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const consumed = store.consume("client-shared", { window: 60, max: 5 });
    releaseTransaction();

    expect(await transaction).toBe("roll back");
    expect(await consumed).toMatchObject({ allowed: true, count: 1 });
  });
});

describe("createRateLimitStore on renamed columns in a schema", () => {
  let database: RateLimitDatabase;

  beforeAll(async () => {
    database = await createRateLimitDatabase("rate_limit_renamed", {
      schema: "limits",
      auth: {
        rateLimit: {
          storage: "database",
          enabled: true,
          modelName: "rate_limits",
          fields: { lastRequest: "last_request_ms", count: "hits" },
        },
      },
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it("counts and refuses through the configured table and column names", async () => {
    const store = createRateLimitStore({
      database: database.pool,
      table: database.table,
      onError: "throw",
      now: () => JAN_1_2026,
    });

    const first = await store.consume("renamed", { window: 10, max: 1 });
    const second = await store.consume("renamed", { window: 10, max: 1 });

    expect(first).toMatchObject({ allowed: true, count: 1 });
    expect(second).toMatchObject({ allowed: false, retryAfter: 10 });
    const { rows } = await database.pool.query(
      `SELECT hits, last_request_ms FROM limits.rate_limits`,
    );
    expect(rows).toEqual([{ hits: 1, last_request_ms: "1767268800000" }]);
  });
});
