import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { pgAuthAdapter } from "../../generator/index.js";
import { NotNullViolationError } from "../../runtime/database-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

function sessionData(token: string, userId: unknown) {
  return { token, userId, expiresAt: new Date(), updatedAt: new Date() };
}

describe("C20: transactions on Pool({ max: 1 })", () => {
  let fixture: AdapterFixture;
  let userId: string;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c20", {}, { pool: { max: 1 } });
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("owner@x.test"),
    });
    userId = user.id as string;
  });

  beforeEach(async () => {
    await fixture.adapter.deleteMany({ model: "session", where: [] });
    await fixture.adapter.deleteMany({ model: "verification", where: [] });
    await fixture.adapter.create({
      model: "verification",
      data: {
        identifier: "magic:owner",
        value: "token",
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
  });

  afterAll(async () => {
    await fixture.drop();
  });

  it("rolls the user back when the account insert fails", async () => {
    const before = await fixture.adapter.count({ model: "user" });

    const attempt = fixture.adapter.transaction(async (trx) => {
      await trx.create({ model: "user", data: userData("orphan@x.test") });
      await trx.create({ model: "account", data: { userId, accountId: "a" } });
    });

    await expect(attempt).rejects.toBeInstanceOf(NotNullViolationError);
    expect(await fixture.adapter.count({ model: "user" })).toBe(before);
  });

  it(
    "runs consumeOne, create and a nested transaction on the one connection",
    { timeout: 2_000 },
    async () => {
      await fixture.adapter.transaction(async (trx) => {
        const consumed = await trx.consumeOne({
          model: "verification",
          where: [{ field: "identifier", value: "magic:owner" }],
        });
        expect(consumed).not.toBeNull();
        await trx.create({
          model: "session",
          data: sessionData("magic", userId),
        });
        // Through the outer adapter, as Better Auth's helpers sometimes do.
        await fixture.adapter.transaction(async (nested) => {
          await nested.create({
            model: "session",
            data: sessionData("nested", userId),
          });
        });
      });

      expect(await fixture.adapter.count({ model: "session" })).toBe(2);
      expect(await fixture.adapter.count({ model: "verification" })).toBe(0);
      expect(fixture.pool.totalCount).toBe(1);
    },
  );

  it("rolls back the consume and both creates when the nested one fails", async () => {
    const attempt = fixture.adapter.transaction(async (trx) => {
      await trx.consumeOne({
        model: "verification",
        where: [{ field: "identifier", value: "magic:owner" }],
      });
      await trx.create({ model: "session", data: sessionData("a", userId) });
      await fixture.adapter.transaction(async (nested) => {
        await nested.create({
          model: "session",
          data: sessionData("b", userId),
        });
        throw new Error("Nested failure");
      });
    });

    await expect(attempt).rejects.toThrow("Nested failure");
    expect(await fixture.adapter.count({ model: "session" })).toBe(0);
    expect(await fixture.adapter.count({ model: "verification" })).toBe(1);
  });

  it("returns the connection to the pool with no transaction left open", async () => {
    const count = await fixture.adapter.count({ model: "user" });
    const { rows } = await fixture.pool.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity
       WHERE datname = current_database() AND state = 'idle in transaction'`,
    );

    expect(count).toBe(1);
    expect(rows[0].open).toBe(0);
    expect(fixture.pool.idleCount).toBe(1);
  });
});

describe("transactions on a single pg.Client", () => {
  let fixture: AdapterFixture;
  let client: pg.Client;

  beforeAll(async () => {
    fixture = await createAdapterFixture("tx_client", {});
    client = new pg.Client({ connectionString: fixture.database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await fixture.drop();
  });

  it("keeps a concurrent caller's statement out of an open transaction", async () => {
    const adapter = pgAuthAdapter(client)({});
    let created!: () => void;
    const insideTransaction = new Promise<void>((resolve) => {
      created = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });

    const transaction = adapter.transaction(async (trx) => {
      await trx.create({ model: "user", data: userData("gate@x.test") });
      created();
      await held;
      throw new Error("Rolled back");
    });
    await insideTransaction;
    // Sent while the transaction is open: it must wait for the gate, or it
    // would run inside the transaction and see the uncommitted user.
    const counted = adapter.count({ model: "user" });
    setTimeout(release, 100);

    await expect(transaction).rejects.toThrow("Rolled back");
    expect(await counted).toBe(0);
  });
});
