import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  isDirectConnection,
  PreparedStatementNames,
  preparedScope,
  type PreparedStatementsSetting,
} from "../../runtime/prepared-statements.js";
import { connectionFor, SqlConnection } from "../../runtime/sql-connection.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import { withClient } from "../support/with-client.js";

const FIND_NOTE = "SELECT note FROM item WHERE id = $1";

describe("named prepared statements", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("prepared_statements");
    await database.pool.query(
      "CREATE TABLE item (id integer PRIMARY KEY, note text); INSERT INTO item VALUES (1, 'one')",
    );
  });

  afterAll(async () => {
    await database.drop();
  });

  /** The statements prepared on the server session of `client`. */
  async function preparedOn(client: pg.Client) {
    const { rows } = await client.query<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements ORDER BY statement",
    );
    return rows;
  }

  async function findNote(
    client: pg.Client,
    setting: PreparedStatementsSetting,
    scope: string | undefined,
  ) {
    const connection = new SqlConnection(client, {
      preparedStatements: setting,
    });
    const { rows } = await connection.query(FIND_NOTE, [1], "find", scope);
    return rows;
  }

  it("prepares a reusable statement once on a direct connection under auto", async () => {
    await withClient(database.url, async (client) => {
      const connection = new SqlConnection(client);
      for (const id of [1, 2, 1]) {
        await connection.query(FIND_NOTE, [id], "find", "scope-a");
      }

      const prepared = await preparedOn(client);
      expect(prepared).toHaveLength(1);
      expect(prepared[0]!.name).toMatch(/^pgac_[0-9a-f]{40}$/);
      expect(prepared[0]!.statement).toBe(FIND_NOTE);
    });
  });

  it("leaves a statement without a scope unnamed", async () => {
    await withClient(database.url, async (client) => {
      expect(await findNote(client, "auto", undefined)).toEqual([
        { note: "one" },
      ]);
      expect(await preparedOn(client)).toEqual([]);
    });
  });

  it("prepares nothing when preparedStatements is false", async () => {
    await withClient(database.url, async (client) => {
      expect(await findNote(client, false, "scope-a")).toEqual([
        { note: "one" },
      ]);
      expect(await preparedOn(client)).toEqual([]);
    });
  });

  it("names the statements of every client of a pool", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const connection = new SqlConnection(pool);
      const notes = await Promise.all(
        [1, 1, 1].map((id) =>
          connection.query(FIND_NOTE, [id], "find", "scope-a"),
        ),
      );
      expect(notes.map((result) => result.rows)).toEqual([
        [{ note: "one" }],
        [{ note: "one" }],
        [{ note: "one" }],
      ]);

      const { rows } = await pool.query(
        "SELECT statement FROM pg_prepared_statements",
      );
      expect(rows).toEqual([{ statement: FIND_NOTE }]);
    } finally {
      await pool.end();
    }
  });

  it("prepares one text again under another scope, so a rebuilt table with another column type still works", async () => {
    await withClient(database.url, async (client) => {
      const connection = new SqlConnection(client);
      const text = "SELECT count(*)::int AS count FROM rebuilt WHERE id = $1";
      await client.query("CREATE TABLE rebuilt (id text)");
      await connection.query(text, ["abc"], "count", preparedScope("text"));

      await client.query(
        "DROP TABLE rebuilt; CREATE TABLE rebuilt (id uuid); INSERT INTO rebuilt VALUES ('6f1c2a3b-0000-4000-8000-000000000001')",
      );
      const { rows } = await connection.query(
        text,
        ["6f1c2a3b-0000-4000-8000-000000000001"],
        "count",
        preparedScope("uuid"),
      );

      expect(rows).toEqual([{ count: 1 }]);
      expect(await preparedOn(client)).toHaveLength(2);
      await client.query("DROP TABLE rebuilt");
    });
  });

  it("runs statements inside a transaction on its client, named", async () => {
    await withClient(database.url, async (client) => {
      const connection = new SqlConnection(client, {
        preparedStatements: true,
      });
      const notes = await connection.transaction(async (executor) => {
        await executor.query(FIND_NOTE, [1], "find", "scope-a");
        return executor.query(FIND_NOTE, [1], "find", "scope-a");
      });

      expect(notes.rows).toEqual([{ note: "one" }]);
      expect(await preparedOn(client)).toHaveLength(1);
    });
  });

  it("knows a direct connection by its backend process id", async () => {
    await withClient(database.url, async (client) => {
      expect(await isDirectConnection(client)).toBe(true);
    });
    expect(
      await isDirectConnection({
        processID: 1,
        query: () => Promise.resolve({ rows: [{ pid: 2 }] }),
      }),
    ).toBe(false);
  });
});

describe("preparedStatements choices on a shared connection", () => {
  it("refuses two different choices for one pool", () => {
    const pool = new pg.Pool({ max: 1 });
    connectionFor(pool, false);

    expect(() => connectionFor(pool, true)).toThrow(
      new TypeError(
        "preparedStatements is true here but false for another adapter or store on the same pool or client; give them the same setting.",
      ),
    );
    expect(connectionFor(pool, false)).toBe(connectionFor(pool));
    void pool.end();
  });

  it('refuses a setting that is not "auto", true or false', () => {
    const pool = new pg.Pool({ max: 1 });

    expect(() =>
      connectionFor(pool, "yes" as unknown as PreparedStatementsSetting),
    ).toThrow(
      new TypeError('preparedStatements must be "auto", true or false.'),
    );
    expect(
      () =>
        new SqlConnection(pool, {
          preparedStatements: 1 as unknown as PreparedStatementsSetting,
        }),
    ).toThrow(TypeError);
    void pool.end();
  });

  it("lets an explicit choice replace the default", () => {
    const pool = new pg.Pool({ max: 1 });
    const shared = connectionFor(pool);

    expect(connectionFor(pool, false)).toBe(shared);
    expect(() => connectionFor(pool, "auto")).toThrow(TypeError);
    void pool.end();
  });
});

describe("PreparedStatementNames", () => {
  it("names each text once per scope and stops naming new texts past 256", () => {
    const names = new PreparedStatementNames();
    const first = names.nameFor("a", "SELECT 0");

    expect(names.nameFor("a", "SELECT 0")).toBe(first);
    expect(names.nameFor("b", "SELECT 0")).not.toBe(first);
    for (let index = 1; index < 255; index += 1) {
      expect(names.nameFor("a", `SELECT ${index}`)).toMatch(/^pgac_/);
    }

    expect(names.nameFor("a", "SELECT 999")).toBeUndefined();
    expect(names.nameFor("a", "SELECT 0")).toBe(first);
  });

  it("leaves a text over 16,384 characters unnamed", () => {
    const names = new PreparedStatementNames();
    const clauses = Array.from({ length: 2000 }, (_, i) => `id = $${i + 1}`);

    expect(
      names.nameFor("a", `SELECT 1 WHERE ${clauses.join(" OR ")}`),
    ).toBeUndefined();
  });

  it("renames every text so the next calls parse them afresh", () => {
    const names = new PreparedStatementNames();
    const first = [
      names.nameFor("a", "SELECT 0"),
      names.nameFor("b", "SELECT 1"),
    ];
    names.renewAll();
    const second = [
      names.nameFor("a", "SELECT 0"),
      names.nameFor("b", "SELECT 1"),
    ];

    expect(second[0]).toMatch(/^pgac_[0-9a-f]{40}$/);
    expect(second[1]).toMatch(/^pgac_[0-9a-f]{40}$/);
    expect(second[0]).not.toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });
});
