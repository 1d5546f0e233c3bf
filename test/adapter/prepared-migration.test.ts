import type { DBTransactionAdapter } from "@better-auth/core/db/adapter";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DatabaseError } from "../../runtime/database-error.js";

import {
  createAdapterFixture,
  type AdapterFixture,
} from "./adapter-fixture.js";

// A rolling deploy runs the additive migration while the old instances keep
// serving, with their statements prepared on every pooled connection. Each
// statement names its columns (and the session+user join reads the user as
// one JSON value), so a new column changes no prepared statement's result
// type: PostgreSQL replans them and they keep working.
describe("named prepared statements across an additive migration", () => {
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture(
      "prepared_migration",
      { advanced: { database: { joins: true } } },
      { pool: { max: 1 } },
    );
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function readEverything(token: string) {
    const { adapter } = fixture;
    const session = await adapter.findOne<Record<string, unknown>>({
      model: "session",
      where: [{ field: "token", value: token }],
      join: { user: true },
    });
    const sessions = await adapter.findMany({
      model: "session",
      where: [{ field: "token", value: token }],
    });
    const users = await adapter.count({ model: "user" });
    return { session, sessions: sessions.length, users };
  }

  it("keeps answering the same after columns are added to user and session", async () => {
    const { adapter } = fixture;
    const user = await adapter.create<Record<string, unknown>>({
      model: "user",
      data: { name: "Ada", email: "ada@example.com", emailVerified: false },
    });
    await adapter.create({
      model: "session",
      data: {
        token: "token-1",
        userId: user.id,
        expiresAt: new Date("2030-01-01T00:00:00Z"),
        createdAt: new Date("2026-01-01T00:00:00Z"),
        updatedAt: new Date("2026-01-01T00:00:00Z"),
      },
    });
    const before = await readEverything("token-1");
    const { rows: prepared } = await fixture.pool.query(
      "SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name LIKE 'pgac\\_%'",
    );
    expect(prepared[0].count).toBeGreaterThanOrEqual(4);

    const migrator = new pg.Client({ connectionString: fixture.database.url });
    await migrator.connect();
    try {
      await migrator.query(
        `ALTER TABLE "user" ADD COLUMN "nickname" text;
         ALTER TABLE "session" ADD COLUMN "deviceName" text`,
      );
    } finally {
      await migrator.end();
    }
    const after = await readEverything("token-1");

    expect(before.session?.token).toBe("token-1");
    expect((before.session?.user as { email?: string }).email).toBe(
      "ada@example.com",
    );
    expect(before.sessions).toBe(1);
    expect(before.users).toBe(1);
    // The old instance's manifest knows neither column: the rows it
    // returns are exactly the ones it returned before.
    expect(after).toEqual(before);
  });
});

// A hand-written migration that changes a column's type (README,
// "Changes generate refuses") makes PostgreSQL refuse every statement
// prepared before it that returns the column: 0A000, "cached plan must not
// change result type".
describe("named prepared statements across a column type change", () => {
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture(
      "prepared_type_change",
      {},
      { pool: { max: 1 } },
    );
    await fixture.adapter.create({
      model: "user",
      data: { name: "Ada", email: "ada@example.com", emailVerified: false },
    });
  });

  afterAll(async () => {
    await fixture.drop();
  });

  const findAda = (
    adapter: Pick<DBTransactionAdapter, "findOne"> = fixture.adapter,
  ) =>
    adapter.findOne<{ name: string }>({
      model: "user",
      where: [{ field: "email", value: "ada@example.com" }],
    });

  async function alterName(type: string) {
    const migrator = new pg.Client({ connectionString: fixture.database.url });
    await migrator.connect();
    try {
      await migrator.query(
        `ALTER TABLE "user" ALTER COLUMN "name" TYPE ${type}`,
      );
    } finally {
      await migrator.end();
    }
  }

  it("prepares the statement again and answers, outside a transaction", async () => {
    expect((await findAda())?.name).toBe("Ada");
    await alterName("varchar(200)");

    expect((await findAda())?.name).toBe("Ada");
    expect((await findAda())?.name).toBe("Ada");
  });

  it("fails the transaction it happens in once, naming the cause, and not the next one", async () => {
    const { adapter } = fixture;
    // Two statements that return the column: both are stale after the
    // change, and the next transaction must not trip over the second.
    const renameAndFind = () =>
      adapter.transaction(async (inner) => {
        await inner.update({
          model: "user",
          where: [{ field: "email", value: "ada@example.com" }],
          update: { name: "Ada" },
        });
        return findAda(inner);
      });
    await renameAndFind();
    await alterName("text");

    const failure = await renameAndFind().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DatabaseError);
    expect((failure as DatabaseError).code).toBe("0A000");
    expect((failure as Error).message).toBe(
      'A column changed type under a prepared statement (query "update user"), as an ALTER COLUMN ... TYPE run while the app is up does; every statement is prepared again on its next call, so retry the transaction.',
    );
    expect((await renameAndFind())?.name).toBe("Ada");
  });
});
