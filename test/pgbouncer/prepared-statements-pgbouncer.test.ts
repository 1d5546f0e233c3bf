import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";

import { DatabaseError } from "../../runtime/database-error.js";
import { isDirectConnection } from "../../runtime/prepared-statements.js";
import { SqlConnection } from "../../runtime/sql-connection.js";
import {
  describeThroughPgBouncer,
  poolThroughPgBouncer,
  throughPgBouncer,
} from "../support/pgbouncer.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const FIND_NOTE = "SELECT note FROM item WHERE id = $1";

/**
 * Waits until no server session that last ran `text` is left, then gives
 * PgBouncer a moment to read their end, so it hands out a live session.
 */
async function untilPgBouncerDropped(database: TestDatabase, text: string) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { rows } = await database.pool.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query = $1",
      [text],
    );
    if (rows.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

// PgBouncer 1.18 in transaction mode runs each transaction of a client on
// whichever server session is free, and does not carry prepared statements
// across: a statement prepared on one session is missing on the next.
describeThroughPgBouncer(
  "prepared statements through PgBouncer",
  (bouncerUrl) => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase("prepared_pgbouncer");
      await database.pool.query(
        "CREATE TABLE item (id integer PRIMARY KEY, note text); INSERT INTO item VALUES (1, 'one')",
      );
    });

    afterAll(async () => {
      await database.drop();
    });

    it("sees that a client of PgBouncer is not directly connected", async () => {
      const client = new pg.Client({
        connectionString: throughPgBouncer(bouncerUrl, database.url),
      });
      await client.connect();
      try {
        expect(await isDirectConnection(client)).toBe(false);
      } finally {
        await client.end();
      }
    });

    it("keeps statements unnamed under auto, so 200 concurrent ones all succeed", async () => {
      const pool = poolThroughPgBouncer(bouncerUrl, database.url, 20);
      try {
        const connection = new SqlConnection(pool);
        const results = await Promise.all(
          Array.from({ length: 200 }, () =>
            connection.query(FIND_NOTE, [1], "find", "scope-a"),
          ),
        );

        expect(new Set(results.map(({ rows }) => rows[0]?.note))).toEqual(
          new Set(["one"]),
        );
        const { rows } = await pool.query(
          "SELECT count(*)::int AS count FROM pg_prepared_statements",
        );
        expect(rows).toEqual([{ count: 0 }]);
      } finally {
        await pool.end();
      }
    });

    it("explains the failure when preparedStatements is forced on", async () => {
      const forced = new pg.Client({
        connectionString: throughPgBouncer(bouncerUrl, database.url),
      });
      await forced.connect();
      try {
        const connection = new SqlConnection(forced, {
          preparedStatements: true,
        });
        await connection.query(FIND_NOTE, [1], "find", "scope-a");
        // End the server session that holds the statement: PgBouncer runs
        // the client's next transaction on another one.
        const { rows } = await database.pool.query(
          `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
           WHERE datname = current_database() AND query = $1`,
          [FIND_NOTE],
        );
        // (Sessions the previous test left idle ran the same text: they go
        // too.)
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every(({ ended }) => ended === true)).toBe(true);
        await untilPgBouncerDropped(database, FIND_NOTE);

        const failure = await connection
          .query(FIND_NOTE, [1], "find", "scope-a")
          .catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(DatabaseError);
        expect((failure as DatabaseError).code).toBe("26000");
        expect((failure as Error).message).toBe(
          'A prepared statement was missing or already present on the server connection (query "find"): a pooler in transaction mode (PgBouncer before 1.21, or without max_prepared_statements) sits between the app and PostgreSQL. Set preparedStatements to "auto" or false.',
        );
      } finally {
        await forced.end();
      }
    });
  },
);
