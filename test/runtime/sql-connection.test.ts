import { inspect } from "node:util";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ConnectionError,
  DatabaseError,
  UniqueViolationError,
} from "../../runtime/database-error.js";
import { SqlConnection } from "../../runtime/sql-connection.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import { withClient } from "../support/with-client.js";

describe("SqlConnection", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("sql_connection");
    await database.pool.query(
      "CREATE TABLE item (id integer PRIMARY KEY, note text)",
    );
  });

  afterAll(async () => {
    await database.drop();
  });

  it("runs a nested transaction on the one connection of a Pool({ max: 1 })", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const connection = new SqlConnection(pool);
    try {
      await connection.transaction(async (outer) => {
        await outer.query("INSERT INTO item VALUES (1, 'outer')");
        await connection.transaction((inner) =>
          inner.query("INSERT INTO item VALUES (2, 'inner')"),
        );
        await connection.query("INSERT INTO item VALUES (3, 'plain')");
      });

      const { rows } = await connection.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM item WHERE id IN (1, 2, 3)",
      );
      expect(rows).toEqual([{ count: 3 }]);
      expect(pool.idleCount).toBe(1);
    } finally {
      await pool.end();
      await database.pool.query("DELETE FROM item");
    }
  });

  it("rolls back the outer and the joined transaction together", async () => {
    const connection = new SqlConnection(database.pool);

    await expect(
      connection.transaction(async (outer) => {
        await outer.query("INSERT INTO item VALUES (10, 'kept?')");
        await connection.transaction((inner) =>
          inner.query("INSERT INTO item VALUES (10, 'duplicate')"),
        );
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);

    const { rows } = await database.pool.query(
      "SELECT id FROM item WHERE id = 10",
    );
    expect(rows).toEqual([]);
  });

  it("keeps other callers' statements out of an open transaction on a single client", async () => {
    await withClient(database.url, async (client) => {
      const connection = new SqlConnection(client);
      let releaseTransaction!: () => void;
      const holding = new Promise<void>((resolve) => {
        releaseTransaction = resolve;
      });

      const transaction = connection
        .transaction(async (trx) => {
          await trx.query("INSERT INTO item VALUES (20, 'in transaction')");
          await holding;
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const outsider = connection.query(
        "INSERT INTO item VALUES (21, 'outsider')",
      );
      releaseTransaction();

      expect(await transaction).toBe("roll back");
      await outsider;
      const { rows } = await connection.query(
        "SELECT id FROM item WHERE id IN (20, 21) ORDER BY id",
      );
      expect(rows).toEqual([{ id: 21 }]);
    });
  });

  it("translates a unique violation keeping SQLSTATE and cause without values", async () => {
    const connection = new SqlConnection(database.pool);
    await connection.query("INSERT INTO item VALUES ($1, $2)", [30, "secret"]);

    const error = await connection
      .query("INSERT INTO item VALUES ($1, $2)", [30, "secret"], "insertItem")
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({
      code: "23505",
      table: "item",
      constraint: "item_pkey",
      queryName: "insertItem",
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'A row with the same unique value already exists (table "item", constraint "item_pkey", query "insertItem").',
    );
    expect((error as Error).message).not.toContain("secret");
  });

  it("keeps the conflicting value out of what a logger prints", async () => {
    const connection = new SqlConnection(database.pool);
    await connection.query("INSERT INTO item VALUES ($1, $2)", [31, "x"]);

    const error = await connection
      .query("INSERT INTO item VALUES ($1, $2)", [31, "x"])
      .catch((caught: unknown) => caught);

    expect(inspect(error, { depth: 5 })).not.toContain("(31)");
    expect(((error as Error).cause as { detail: string }).detail).toBe(
      "Key (id)=(31) already exists.",
    );
  });

  it("keeps a value PostgreSQL cannot read out of the cause's message and stack", async () => {
    const connection = new SqlConnection(database.pool);

    const error = await connection
      .query("SELECT $1::integer AS n", ["ada@example.com"], "readNumber")
      .catch((caught: unknown) => caught);

    expect((error as DatabaseError).code).toBe("22P02");
    expect((error as Error).message).toBe(
      'PostgreSQL rejected the statement with SQLSTATE 22P02 (query "readNumber").',
    );
    expect(((error as Error).cause as Error).message).toBe(
      'invalid input syntax for type integer: "…"',
    );
    expect(inspect(error, { depth: 5 })).not.toContain("ada@example.com");
  });

  it("redacts a value with quotes of its own whole", async () => {
    const connection = new SqlConnection(database.pool);

    const error = await connection
      .query("SELECT $1::integer AS n", ['x" SECRET "y'], "readNumber")
      .catch((caught: unknown) => caught);

    expect(((error as Error).cause as Error).message).toBe(
      'invalid input syntax for type integer: "…"',
    );
    expect(inspect(error, { depth: 5 })).not.toContain("SECRET");
  });

  it("rejects a transaction whose connection the server ends, and keeps the process and pool alive", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    pool.on("error", () => {});
    const connection = new SqlConnection(pool);
    try {
      const outcome = connection
        .transaction(async (trx) => {
          const { rows } = await trx.query<{ pid: number }>(
            "SELECT pg_backend_pid() AS pid",
          );
          await database.pool.query("SELECT pg_terminate_backend($1)", [
            rows[0]!.pid,
          ]);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await trx.query("SELECT 1");
        })
        .catch((error: unknown) => error);

      expect(await outcome).toBeInstanceOf(ConnectionError);
      const { rows } = await connection.query<{ one: number }>(
        "SELECT 1 AS one",
      );
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("queues concurrent statements on a single client without pg's deprecated queue", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    try {
      await withClient(database.url, async (client) => {
        const connection = new SqlConnection(client);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            connection.query<{ n: number }>("SELECT $1::int AS n", [index]),
          ),
        );
        expect(results.map((result) => result.rows[0]!.n)).toEqual(
          Array.from({ length: 20 }, (_, index) => index),
        );
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((text) => text.includes("client.query"))).toEqual(
        [],
      );
    } finally {
      process.off("warning", onWarning);
    }
  });
});
