import type { BetterAuthOptions } from "better-auth";
import { organization } from "better-auth/plugins";
import { afterEach, describe, expect, it } from "vitest";

import { planMigration } from "../../generator/migrations/plan-migration.js";
import {
  planDatabase,
  renderDatabasePlan,
} from "../../generator/migrations/plan-database.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { MigrationError } from "../../runtime/migration-error.js";
import { SqlConnection } from "../../runtime/sql-connection.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import {
  applyMigrationFiles,
  catalogColumns,
  generateMigrations,
} from "./apply-migration-files.js";

let database: TestDatabase | undefined;

afterEach(async () => {
  await database?.drop();
  database = undefined;
});

async function freshDatabase(label: string): Promise<TestDatabase> {
  database = await createTestDatabase(label);
  return database;
}

function planLive(database: TestDatabase, auth: BetterAuthOptions) {
  return planDatabase(
    new SqlConnection(database.pool),
    resolveSchema({ auth }),
  );
}

async function insertUsers(database: TestDatabase, count: number) {
  for (let index = 1; index <= count; index++) {
    await database.pool.query(
      `INSERT INTO "user" (id, name, email, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, now(), now())`,
      [`u${index}`, `User ${index}`, `u${index}@x.test`],
    );
  }
}

describe("C10: re-planning our own schema", () => {
  const auth: BetterAuthOptions = {
    rateLimit: { storage: "database" },
    user: {
      additionalFields: {
        loginCount: { type: "number", required: false },
        tags: { type: "string[]", required: false },
        scores: { type: "number[]", required: false },
        preferences: { type: "json", required: false },
        birthDate: { type: "date", required: false },
        marketingOptIn: { type: "boolean", required: false },
      },
    },
  };

  it("finds nothing to do and nothing to warn about after applying", async () => {
    const db = await freshDatabase("c10_clean");
    await applyMigrationFiles(db.pool, generateMigrations(auth).files);

    const plan = await planLive(db, auth);

    expect(plan).toEqual({
      statements: [],
      mismatches: [],
      problems: [],
      notes: [],
      exitCode: 0,
    });
    expect(renderDatabasePlan(plan)).toBe("The database matches the schema.\n");
  });

  it("accepts varchar(255) and flags an integer emailVerified, never altering it", async () => {
    const db = await freshDatabase("c10_drift");
    const { files } = generateMigrations(auth);
    await applyMigrationFiles(db.pool, files);
    await db.pool.query(
      `ALTER TABLE "user" ALTER COLUMN name TYPE varchar(255),
         ALTER COLUMN "emailVerified" DROP DEFAULT,
         ALTER COLUMN "emailVerified" TYPE integer USING "emailVerified"::integer`,
    );

    const plan = await planLive(db, auth);
    const again = await applyMigrationFiles(db.pool, files);

    expect(plan.mismatches).toEqual([
      {
        table: '"user"',
        column: "emailVerified",
        aspect: "type",
        expected: "boolean",
        actual: "integer",
      },
    ]);
    expect(plan.statements).toEqual([]);
    expect(plan.exitCode).toBe(2);
    expect(renderDatabasePlan(plan)).toContain(
      '  - table "user", column "emailVerified": expected boolean, actual integer (type)\n',
    );
    expect(again.applied).toEqual([]);
    const columns = await catalogColumns(db.pool);
    expect(
      columns
        .filter(
          (row) =>
            row.table === "user" &&
            ["name", "emailVerified"].includes(row.column),
        )
        .map((row) => `${row.column} ${row.type}`),
    ).toEqual(["name character varying(255)", "emailVerified integer"]);
  });
});

describe("hand changes plan must report", () => {
  it("notes varchar(255) where the schema has text without changing the exit code (C10)", async () => {
    const db = await freshDatabase("varchar_note");
    await applyMigrationFiles(db.pool, generateMigrations({}).files);
    await db.pool.query(
      `ALTER TABLE "user" ALTER COLUMN name TYPE varchar(255)`,
    );

    const plan = await planLive(db, {});

    expect(plan.mismatches).toEqual([]);
    expect(plan.notes).toEqual([
      {
        table: '"user"',
        column: "name",
        message:
          'table "user", column "name" is character varying(255) where the schema has text: values longer than 255 characters are refused.',
      },
    ]);
    expect(plan.exitCode).toBe(0);
    expect(renderDatabasePlan(plan)).toBe(
      [
        "The database matches the schema.",
        "",
        "Notes (they do not change the exit code):",
        '  - table "user", column "name" is character varying(255) where the schema has text: values longer than 255 characters are refused.',
        "",
      ].join("\n"),
    );
  });

  it("reports an extra NOT NULL column without a default as needing a person", async () => {
    const db = await freshDatabase("extra_required");
    await applyMigrationFiles(db.pool, generateMigrations({}).files);
    await db.pool.query(`ALTER TABLE "user" ADD COLUMN "tenant" text NOT NULL`);

    const plan = await planLive(db, {});

    expect(plan.mismatches).toEqual([
      {
        table: '"user"',
        column: "tenant",
        aspect: "extra column",
        expected: "absent, or NULL allowed, or a default",
        actual: "NOT NULL without a default",
      },
    ]);
    expect(plan.exitCode).toBe(2);
    expect(renderDatabasePlan(plan)).toBe(
      [
        "Columns that differ from the schema (plan never alters them; write a migration by hand):",
        '  - table "user", column "tenant" is not in the schema and is NOT NULL without a default, so every row Better Auth inserts fails (SQLSTATE 23502); give it a default, allow NULL, or drop it.',
        "",
      ].join("\n"),
    );
    await expect(
      db.pool.query(
        `INSERT INTO "user" (id, name, email, "createdAt", "updatedAt")
         VALUES ('u1', 'Ann', 'ann@x.test', now(), now())`,
      ),
    ).rejects.toMatchObject({ code: "23502" });
  });

  it("accepts extra columns that fill themselves", async () => {
    const db = await freshDatabase("extra_filled");
    await applyMigrationFiles(db.pool, generateMigrations({}).files);
    await db.pool.query(
      `ALTER TABLE "user"
         ADD COLUMN "note" text,
         ADD COLUMN "tenant" text NOT NULL DEFAULT 'main',
         ADD COLUMN "serial" integer NOT NULL GENERATED ALWAYS AS IDENTITY,
         ADD COLUMN "lowerEmail" text NOT NULL
           GENERATED ALWAYS AS (lower(email)) STORED`,
    );

    const plan = await planLive(db, {});

    expect(plan).toMatchObject({ mismatches: [], notes: [], exitCode: 0 });
  });

  it("notes an extra NOT NULL column a BEFORE INSERT trigger may fill", async () => {
    const db = await freshDatabase("extra_trigger");
    await applyMigrationFiles(db.pool, generateMigrations({}).files);
    await db.pool.query(
      `ALTER TABLE "session" ADD COLUMN "tenant" text NOT NULL;
       CREATE FUNCTION fill_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN NEW."tenant" := 'main'; RETURN NEW; END $$;
       CREATE TRIGGER fill_tenant BEFORE INSERT ON "session"
         FOR EACH ROW EXECUTE FUNCTION fill_tenant();`,
    );

    const plan = await planLive(db, {});

    expect(plan.mismatches).toEqual([]);
    expect(plan.notes).toEqual([
      {
        table: '"session"',
        column: "tenant",
        message:
          'table "session", column "tenant" is not in the schema and is NOT NULL without a default; a BEFORE INSERT trigger on the table must fill it, or every row Better Auth inserts fails.',
      },
    ]);
    expect(plan.exitCode).toBe(0);
  });
});

describe("C11: additions to a populated table", () => {
  const unsafe: BetterAuthOptions = {
    user: {
      additionalFields: {
        username: { type: "string", required: true },
        code: {
          type: "string",
          required: true,
          unique: true,
          defaultValue: "x",
        },
        handle: { type: "string", required: false, unique: true },
      },
    },
  };

  it("flags the required and the defaulted unique field before any DDL", async () => {
    const db = await freshDatabase("c11_refuse");
    const first = generateMigrations({});
    await applyMigrationFiles(db.pool, first.files);
    await insertUsers(db, 2);
    const before = await catalogColumns(db.pool);

    const problems = planMigration(
      resolveSchema({ auth: {} }),
      resolveSchema({ auth: unsafe }),
    ).problems;

    expect(problems).toEqual([
      {
        kind: "requiredWithoutDefault",
        table: '"user"',
        column: "username",
        field: "user.username",
      },
      {
        kind: "uniqueWithStaticDefault",
        table: '"user"',
        column: "code",
        field: "user.code",
        index: "user_code_key",
      },
    ]);
    expect(() => generateMigrations(unsafe, first.files)).toThrow(
      'New column "code" of table "user" (field "user.code") is unique and has a default',
    );
    expect(await catalogColumns(db.pool)).toEqual(before);
  });

  it("adds a nullable unique field to the populated table", async () => {
    const db = await freshDatabase("c11_nullable");
    const first = generateMigrations({});
    await applyMigrationFiles(db.pool, first.files);
    await insertUsers(db, 2);

    const second = generateMigrations(
      {
        user: {
          additionalFields: {
            handle: { type: "string", required: false, unique: true },
          },
        },
      },
      first.files,
    );
    const result = await applyMigrationFiles(db.pool, second.files);

    expect(result.applied).toEqual(["0002_add_user_handle.sql"]);
    const { rows } = await db.pool.query(
      `SELECT id, handle FROM "user" ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: "u1", handle: null },
      { id: "u2", handle: null },
    ]);
  });

  it("leaves the schema as it was when a hand-written version fails", async () => {
    const db = await freshDatabase("c11_rollback");
    const first = generateMigrations({});
    await applyMigrationFiles(db.pool, first.files);
    await insertUsers(db, 2);
    const before = await catalogColumns(db.pool);
    const files = new Map(first.files);
    files.set(
      "0002_add_code.sql",
      `ALTER TABLE "user" ADD COLUMN code text NOT NULL DEFAULT 'x';\n` +
        `CREATE UNIQUE INDEX user_code_key ON "user" (code);\n`,
    );

    const failure = await applyMigrationFiles(db.pool, files).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).message).toBe(
      'Migration "0002_add_code.sql" failed and was rolled back (SQLSTATE 23505): could not create unique index "user_code_key".',
    );
    expect(await catalogColumns(db.pool)).toEqual(before);
  });
});

describe("upgrading a populated database", () => {
  const base: BetterAuthOptions = { emailAndPassword: { enabled: true } };
  const upgraded: BetterAuthOptions = {
    ...base,
    plugins: [organization({ teams: { enabled: true } })],
    user: {
      additionalFields: { locale: { type: "string", required: false } },
    },
  };

  it("writes one additive file that applies and leaves nothing to plan", async () => {
    const db = await freshDatabase("upgrade");
    const first = generateMigrations(base);
    await applyMigrationFiles(db.pool, first.files);
    await insertUsers(db, 2);
    await db.pool.query(
      `INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "userId")
       VALUES ('s1', now() + interval '1 day', 't1', now(), now(), 'u1')`,
    );

    const second = generateMigrations(upgraded, first.files);
    const added = [...second.files.keys()].filter(
      (name) => !first.files.has(name),
    );
    const kinds = planMigration(
      resolveSchema({ auth: base }),
      resolveSchema({ auth: upgraded }),
    ).statements.map((statement) => statement.kind);
    const result = await applyMigrationFiles(db.pool, second.files);
    const plan = await planLive(db, upgraded);

    expect(added).toEqual([
      "0002_add_organization_invitation_member_and_2_more.sql",
    ]);
    expect(new Set(kinds)).toEqual(
      new Set(["createTable", "addColumn", "addForeignKey", "createIndex"]),
    );
    expect(second.files.get(second.added!)).not.toMatch(
      /DROP|ALTER COLUMN|RENAME|TYPE/,
    );
    expect(result.applied).toEqual([second.added]);
    expect(plan.exitCode).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS users, (SELECT count(*)::int FROM session) AS sessions FROM "user"`,
    );
    expect(rows).toEqual([{ users: 2, sessions: 1 }]);
  });

  it("plans the pending DDL against the old database with exit code 1", async () => {
    const db = await freshDatabase("upgrade_plan");
    await applyMigrationFiles(db.pool, generateMigrations(base).files);

    const plan = await planLive(db, upgraded);

    expect(plan.exitCode).toBe(1);
    expect(plan.mismatches).toEqual([]);
    expect(
      plan.statements
        .filter((statement) => statement.kind === "addColumn")
        .map((statement) => statement.cause),
    ).toEqual([
      'field "user.locale"',
      'field "session.activeOrganizationId"',
      'field "session.activeTeamId"',
    ]);
  });
});
