import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MigrationError } from "../../runtime/migration-error.js";
import {
  migrationChecksum,
  runMigrations,
  type Migration,
} from "../../runtime/run-migrations.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("run_migrations");
});

afterAll(async () => {
  await database?.drop();
});

/** A schema of its own per test, so journals never meet. */
let schemaCount = 0;
async function freshSchema(): Promise<string> {
  const schema = `runner_${++schemaCount}`;
  await database.pool.query(`CREATE SCHEMA "${schema}"`);
  return schema;
}

async function journal(schema: string) {
  const { rows } = await database.pool.query(
    `SELECT "name", "checksum" FROM "${schema}"."pg_auth_codegen_migrations" ORDER BY "name"`,
  );
  return rows;
}

async function tableExists(qualified: string): Promise<boolean> {
  const { rows } = await database.pool.query(
    "SELECT pg_catalog.to_regclass($1) IS NOT NULL AS found",
    [qualified],
  );
  return rows[0].found;
}

function createCounter(schema: string): Migration[] {
  return [
    {
      name: "0001_counter.sql",
      sql: `CREATE TABLE "${schema}".counter (n integer NOT NULL);\nINSERT INTO "${schema}".counter VALUES (0);\n`,
    },
    {
      name: "0002_bump.sql",
      sql: `SELECT pg_catalog.pg_sleep(0.2);\nUPDATE "${schema}".counter SET n = n + 1;\n`,
    },
  ];
}

describe("runMigrations", () => {
  it("applies pending files in order and records name and sha256", async () => {
    const schema = await freshSchema();
    const migrations = createCounter(schema);

    const result = await runMigrations(database.pool, migrations, { schema });

    expect(result.applied).toEqual(["0001_counter.sql", "0002_bump.sql"]);
    expect(await journal(schema)).toEqual([
      {
        name: "0001_counter.sql",
        checksum: migrationChecksum(migrations[0]!.sql),
      },
      {
        name: "0002_bump.sql",
        checksum: migrationChecksum(migrations[1]!.sql),
      },
    ]);
  });

  it("checksums a file as the sha256 hex of its text", () => {
    expect(migrationChecksum("SELECT 1;\n")).toBe(
      "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd",
    );
  });

  it("does nothing on a second run", async () => {
    const schema = await freshSchema();
    await runMigrations(database.pool, createCounter(schema), { schema });

    const again = await runMigrations(database.pool, createCounter(schema), {
      schema,
    });

    expect(again.applied).toEqual([]);
    const { rows } = await database.pool.query(
      `SELECT n FROM "${schema}".counter`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("applies each file exactly once when two runners start at once", async () => {
    const schema = await freshSchema();
    const otherPool = new pg.Pool({ connectionString: database.url, max: 2 });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();

    try {
      const results = await Promise.all([
        runMigrations(database.pool, createCounter(schema), { schema }),
        runMigrations(otherPool, createCounter(schema), { schema }),
        runMigrations(client, createCounter(schema), { schema }),
      ]);

      expect(results.flatMap((result) => result.applied).sort()).toEqual([
        "0001_counter.sql",
        "0002_bump.sql",
      ]);
      const { rows } = await database.pool.query(
        `SELECT n FROM "${schema}".counter`,
      );
      expect(rows).toEqual([{ n: 1 }]);
      expect((await journal(schema)).map((row) => row.name)).toEqual([
        "0001_counter.sql",
        "0002_bump.sql",
      ]);
    } finally {
      await otherPool.end();
      await client.end();
    }
  });

  it("rolls back a file that fails midway and leaves it unrecorded", async () => {
    const schema = await freshSchema();
    const migrations: Migration[] = [
      { name: "0001_a.sql", sql: `CREATE TABLE "${schema}".a (id integer);\n` },
      {
        name: "0002_b.sql",
        sql: [
          `CREATE TABLE "${schema}".b (id integer);`,
          `INSERT INTO "${schema}".a VALUES (1);`,
          `SELECT 1 / 0;`,
          `CREATE TABLE "${schema}".c (id integer);`,
        ].join("\n"),
      },
      { name: "0003_d.sql", sql: `CREATE TABLE "${schema}".d (id integer);\n` },
    ];

    const failure = await runMigrations(database.pool, migrations, {
      schema,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure).toMatchObject({
      migration: "0002_b.sql",
      message:
        'Migration "0002_b.sql" failed and was rolled back (SQLSTATE 22012): division by zero.',
    });
    expect(await tableExists(`"${schema}".b`)).toBe(false);
    expect(await tableExists(`"${schema}".c`)).toBe(false);
    expect(await tableExists(`"${schema}".d`)).toBe(false);
    const { rows } = await database.pool.query(`SELECT * FROM "${schema}".a`);
    expect(rows).toEqual([]);
    expect((await journal(schema)).map((row) => row.name)).toEqual([
      "0001_a.sql",
    ]);
  });

  it("refuses to continue when an applied file changed", async () => {
    const schema = await freshSchema();
    const [first, second] = createCounter(schema);
    await runMigrations(database.pool, [first!], { schema });

    const edited = { ...first!, sql: `${first!.sql}-- tidied up\n` };
    const failure = runMigrations(database.pool, [edited, second!], { schema });

    await expect(failure).rejects.toThrow(
      expect.objectContaining({
        name: "MigrationError",
        migration: "0001_counter.sql",
        message: expect.stringMatching(
          /^Migration "0001_counter\.sql" changed after it was applied \(checksum [0-9a-f]{12} then, [0-9a-f]{12} now\); restore its applied text and put the change in a new migration\.$/,
        ),
      }),
    );
    const { rows } = await database.pool.query(
      `SELECT n FROM "${schema}".counter`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("reads a file whose line endings changed as unchanged", async () => {
    const schema = await freshSchema();
    const [first] = createCounter(schema);
    await runMigrations(database.pool, [first!], { schema });

    const converted = { ...first!, sql: first!.sql.replace(/\n/g, "\r\n") };

    await expect(
      runMigrations(database.pool, [converted], { schema }),
    ).resolves.toEqual({ applied: [] });
  });

  it("refuses a pending file that sorts before an applied one", async () => {
    const schema = await freshSchema();
    const [first, second] = createCounter(schema);
    await runMigrations(
      database.pool,
      [first!, { name: "0003_later.sql", sql: "SELECT 1;" }],
      { schema },
    );

    await expect(
      runMigrations(
        database.pool,
        [first!, second!, { name: "0003_later.sql", sql: "SELECT 1;" }],
        { schema },
      ),
    ).rejects.toThrow(
      'Migration "0002_bump.sql" is not applied but sorts before "0003_later.sql", which is; give it a number after the newest applied migration.',
    );
  });

  it("refuses an applied file missing from the list", async () => {
    const schema = await freshSchema();
    const [first, second] = createCounter(schema);
    await runMigrations(database.pool, [first!, second!], { schema });

    await expect(
      runMigrations(database.pool, [second!], { schema }),
    ).rejects.toThrow(
      'Migration "0001_counter.sql" is recorded as applied but is missing from the migrations; restore the file.',
    );
  });

  it("tolerates a database migrated by a newer release", async () => {
    const schema = await freshSchema();
    const [first, second] = createCounter(schema);
    await runMigrations(database.pool, [first!, second!], { schema });

    await expect(
      runMigrations(database.pool, [first!], { schema }),
    ).resolves.toEqual({ applied: [] });
  });

  it("creates a missing schema only when asked", async () => {
    const schema = `runner_missing_${++schemaCount}`;
    const migrations = [{ name: "0001_x.sql", sql: "SELECT 1;" }];

    await expect(
      runMigrations(database.pool, migrations, { schema }),
    ).rejects.toThrow(
      `Schema "${schema}" does not exist; create it, or run the migrations with the createSchema option (--create-schema).`,
    );
    expect(await tableExists(`"${schema}".pg_auth_codegen_migrations`)).toBe(
      false,
    );

    await runMigrations(database.pool, migrations, {
      schema,
      createSchema: true,
    });
    expect(await journal(schema)).toHaveLength(1);
  });

  it("keeps the journal in the current schema by default", async () => {
    const schema = await freshSchema();
    const client = new pg.Client({
      connectionString: database.url,
      options: `-c search_path=${schema}`,
    });
    await client.connect();

    try {
      await runMigrations(client, [{ name: "0001_x.sql", sql: "SELECT 1;" }]);
    } finally {
      await client.end();
    }
    expect(await journal(schema)).toHaveLength(1);
  });
});

describe("runMigrations and transaction control in a file", () => {
  async function columnNames(schema: string, table: string) {
    const { rows } = await database.pool.query<{ column: string }>(
      `SELECT column_name AS "column" FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, table],
    );
    return rows.map((row) => row.column);
  }

  it("refuses a file with a top-level COMMIT before applying anything", async () => {
    const schema = await freshSchema();
    await database.pool.query(`CREATE TABLE "${schema}"."user" (id text)`);
    const migrations: Migration[] = [
      { name: "0001_a.sql", sql: `CREATE TABLE "${schema}".a (id integer);\n` },
      {
        name: "0002_split.sql",
        sql: [
          `ALTER TABLE "${schema}"."user" ADD COLUMN "fu_x" text;`,
          `COMMIT;`,
          `ALTER TABLE "${schema}"."user" ADD COLUMN "fu_y" text;`,
          `SELECT 1/0;`,
        ].join("\n"),
      },
    ];

    const failure = runMigrations(database.pool, migrations, { schema });

    await expect(failure).rejects.toThrow(
      expect.objectContaining({
        name: "MigrationError",
        migration: "0002_split.sql",
        message:
          'Migration "0002_split.sql" holds COMMIT at line 2; the runner applies each file in a transaction of its own, which the file must not begin, end or split. Nothing was applied; remove the statement.',
      }),
    );
    expect(await columnNames(schema, "user")).toEqual(["id"]);
    expect(await tableExists(`"${schema}".a`)).toBe(false);
    expect(await tableExists(`"${schema}".pg_auth_codegen_migrations`)).toBe(
      false,
    );
  });

  it("refuses a file wrapped in BEGIN and COMMIT", async () => {
    const schema = await freshSchema();
    const migrations: Migration[] = [
      {
        name: "0001_wrapped.sql",
        sql: `BEGIN;\nCREATE TABLE "${schema}".a (id integer);\nCOMMIT;\n`,
      },
    ];

    await expect(
      runMigrations(database.pool, migrations, { schema }),
    ).rejects.toThrow(
      'Migration "0001_wrapped.sql" holds BEGIN at line 1; the runner',
    );
    expect(await tableExists(`"${schema}".a`)).toBe(false);
  });

  it("refuses CREATE INDEX CONCURRENTLY, which cannot run in a transaction", async () => {
    const schema = await freshSchema();
    const migrations: Migration[] = [
      {
        name: "0001_index.sql",
        sql: `CREATE TABLE "${schema}".a (id integer);\nCREATE INDEX CONCURRENTLY a_id ON "${schema}".a (id);\n`,
      },
    ];

    await expect(
      runMigrations(database.pool, migrations, { schema }),
    ).rejects.toThrow(
      'Migration "0001_index.sql" holds CREATE INDEX CONCURRENTLY at line 2, which cannot run inside a transaction, and the runner applies each file in a transaction of its own. Nothing was applied; run that statement outside the migrations.',
    );
  });

  it("applies a procedure whose dollar-quoted body commits", async () => {
    const schema = await freshSchema();
    const migrations: Migration[] = [
      {
        name: "0001_procedure.sql",
        sql: `CREATE PROCEDURE "${schema}".batch() LANGUAGE plpgsql AS $$\nBEGIN\n  COMMIT;\nEND $$;\n`,
      },
    ];

    const result = await runMigrations(database.pool, migrations, { schema });

    expect(result.applied).toEqual(["0001_procedure.sql"]);
  });

  it("leaves a file applied before the check was added alone", async () => {
    const schema = await freshSchema();
    const legacy: Migration = {
      name: "0001_legacy.sql",
      sql: "BEGIN;\nSELECT 1;\nCOMMIT;\n",
    };
    await runMigrations(database.pool, [], { schema });
    await database.pool.query(
      `INSERT INTO "${schema}".pg_auth_codegen_migrations ("name", "checksum") VALUES ($1, $2)`,
      [legacy.name, migrationChecksum(legacy.sql)],
    );

    await expect(
      runMigrations(database.pool, [legacy], { schema }),
    ).resolves.toEqual({ applied: [] });
  });

  it("reports a transaction a file ended despite the check, and records nothing", async () => {
    // The check reads strings as standard_conforming_strings = on has them;
    // on a connection where it is off, '\'' is one quote and the COMMIT
    // after it is a statement the check does not see.
    const schema = await freshSchema();
    const client = new pg.Client({
      connectionString: database.url,
      options: "-c standard_conforming_strings=off",
    });
    await client.connect();
    const migrations: Migration[] = [
      {
        name: "0001_hidden_commit.sql",
        sql: `CREATE TABLE "${schema}".early (id integer);\nSELECT '\\'';\nCOMMIT;\nSELECT '';\n`,
      },
    ];

    try {
      await expect(
        runMigrations(client, migrations, { schema }),
      ).rejects.toThrow(
        expect.objectContaining({
          name: "MigrationError",
          migration: "0001_hidden_commit.sql",
          message:
            'Migration "0001_hidden_commit.sql" ended the runner\'s transaction before it finished, through transaction control the check before the run did not see, so the statements before that point are committed and the file is not recorded. Inspect the database, take the transaction control out of the file, and make it safe to run again.',
        }),
      );
    } finally {
      await client.end();
    }
    expect(await tableExists(`"${schema}".early`)).toBe(true);
    expect(await journal(schema)).toEqual([]);
  });

  it("reports a file that ended the transaction and then failed as not rolled back", async () => {
    const schema = await freshSchema();
    const client = new pg.Client({
      connectionString: database.url,
      options: "-c standard_conforming_strings=off",
    });
    await client.connect();
    const migrations: Migration[] = [
      {
        name: "0001_hidden_commit.sql",
        sql: `CREATE TABLE "${schema}".early (id integer);\nSELECT '\\'';\nCOMMIT;\nSELECT 1/0;\n`,
      },
    ];

    try {
      await expect(
        runMigrations(client, migrations, { schema }),
      ).rejects.toThrow(
        'Migration "0001_hidden_commit.sql" ended the runner\'s transaction before it finished, through transaction control the check before the run did not see, so the statements before that point are committed and the file is not recorded; it then failed (SQLSTATE 22012): division by zero. Inspect the database, take the transaction control out of the file, and make it safe to run again.',
      );
    } finally {
      await client.end();
    }
    expect(await tableExists(`"${schema}".early`)).toBe(true);
  });
});
