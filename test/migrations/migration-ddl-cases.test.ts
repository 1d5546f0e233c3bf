import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { organization } from "better-auth/plugins";
import { afterEach, describe, expect, it } from "vitest";

import { planDatabase } from "../../generator/migrations/plan-database.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { SqlConnection } from "../../runtime/sql-connection.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import {
  applyMigrationFiles,
  catalogColumns,
  catalogForeignKeys,
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

function initSql(auth: BetterAuthOptions): string {
  const { files, added } = generateMigrations(auth);
  expect(added).toBe("0001_init.sql");
  return files.get("0001_init.sql")!;
}

describe("C09: schema-qualified, mixed-case and long identifiers", () => {
  const auditPlugin = {
    id: "invitation-audit",
    schema: {
      organizationInvitationAuditEntries: {
        fields: {
          invitationAcceptedByMemberIdentifier: {
            type: "string",
            required: true,
            references: { model: "user", field: "id" },
            index: true,
          },
        },
      },
    },
  } satisfies BetterAuthPlugin;

  const auth: BetterAuthOptions = {
    user: { modelName: "internal.users" },
    session: { modelName: "internal.sessions" },
    account: { modelName: "internal.accounts" },
    rateLimit: { storage: "database", modelName: "internal.rateLimit" },
    plugins: [auditPlugin],
  };

  it("qualifies tables and references and keeps the case of rateLimit", () => {
    const sql = initSql(auth);

    expect(sql).toContain('CREATE TABLE "internal"."users" (\n');
    expect(sql).toContain('CREATE TABLE "internal"."rateLimit" (\n');
    expect(sql).toContain(
      'ALTER TABLE "internal"."sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "internal"."users" ("id") ON DELETE CASCADE;',
    );
    expect(sql.match(/CREATE TABLE \S*ratelimit\S*/gi)).toEqual([
      'CREATE TABLE "internal"."rateLimit"',
    ]);
  });

  it("shortens long names to 63 bytes, uniquely and the same every run", () => {
    const sql = initSql(auth);
    const names = [...sql.matchAll(/(?:CONSTRAINT|INDEX) "([^"]+)"/g)].map(
      (match) => match[1]!,
    );

    expect(names).toContain(
      "organizationInvitationAuditEntries_invitationAcce_74d0f76d_fkey",
    );
    expect(names).toContain(
      "organizationInvitationAuditEntries_invitationAccep_77cebc07_idx",
    );
    expect(Math.max(...names.map((name) => Buffer.byteLength(name)))).toBe(63);
    expect(new Set(names).size).toBe(names.length);
    expect(initSql(auth)).toBe(sql);
  });

  it("applies, round-trips the long-named column and plans nothing after", async () => {
    const { pool } = await freshDatabase("c09");
    const { files } = generateMigrations(auth);

    await applyMigrationFiles(pool, files, {
      schema: "internal",
      createSchema: true,
    });
    await pool.query(
      `INSERT INTO "internal"."users" (id, name, email, "createdAt", "updatedAt")
       VALUES ('u1', 'Ada', 'ada@x.test', now(), now())`,
    );
    await pool.query(
      `INSERT INTO "organizationInvitationAuditEntries" (id, "invitationAcceptedByMemberIdentifier")
       VALUES ('a1', 'u1')`,
    );

    const { rows } = await pool.query(
      `SELECT "invitationAcceptedByMemberIdentifier" AS member
         FROM "organizationInvitationAuditEntries"`,
    );
    expect(rows).toEqual([{ member: "u1" }]);
    expect(
      (await catalogForeignKeys(pool)).filter((key) =>
        key.startsWith("organizationInvitationAuditEntries."),
      ),
    ).toEqual([
      "organizationInvitationAuditEntries.invitationAcceptedByMemberIdentifier -> internal.users.id",
    ]);
    const plan = await planDatabase(
      new SqlConnection(pool),
      resolveSchema({ auth }),
    );
    expect(plan).toEqual({
      statements: [],
      mismatches: [],
      problems: [],
      notes: [],
      exitCode: 0,
    });
  });
});

describe("C12: foreign keys with serial ids", () => {
  const auth: BetterAuthOptions = {
    advanced: { database: { generateId: "serial" } },
    plugins: [organization({ teams: { enabled: true } })],
    user: {
      additionalFields: {
        favoriteOrgId: {
          type: "string",
          required: false,
          references: { model: "organization", field: "id" },
        },
      },
    },
  };

  it("makes keys identity integers and every foreign key a plain integer", async () => {
    const { pool } = await freshDatabase("c12");
    await applyMigrationFiles(pool, generateMigrations(auth).files);

    const columns = await catalogColumns(pool);
    const describe = (table: string, column: string) => {
      const found = columns.find(
        (row) => row.table === table && row.column === column,
      )!;
      return `${found.type} identity=${found.identity || "-"} default=${found.default ?? "-"} nullable=${found.nullable}`;
    };

    for (const table of [
      "user",
      "organization",
      "member",
      "team",
      "teamMember",
    ]) {
      expect(describe(table, "id")).toBe(
        "integer identity=d default=- nullable=false",
      );
    }
    expect(describe("member", "userId")).toBe(
      "integer identity=- default=- nullable=false",
    );
    expect(describe("member", "organizationId")).toBe(
      "integer identity=- default=- nullable=false",
    );
    expect(describe("teamMember", "teamId")).toBe(
      "integer identity=- default=- nullable=false",
    );
    expect(describe("teamMember", "userId")).toBe(
      "integer identity=- default=- nullable=false",
    );
    expect(describe("user", "favoriteOrgId")).toBe(
      "integer identity=- default=- nullable=true",
    );
  });

  it("gives every foreign key a working REFERENCES constraint", async () => {
    const { pool } = await freshDatabase("c12_refs");
    await applyMigrationFiles(pool, generateMigrations(auth).files);

    expect(await catalogForeignKeys(pool)).toEqual([
      "account.userId -> public.user.id",
      "invitation.inviterId -> public.user.id",
      "invitation.organizationId -> public.organization.id",
      "member.organizationId -> public.organization.id",
      "member.userId -> public.user.id",
      "session.userId -> public.user.id",
      "team.organizationId -> public.organization.id",
      "teamMember.teamId -> public.team.id",
      "teamMember.userId -> public.user.id",
      "user.favoriteOrgId -> public.organization.id",
    ]);

    const organizationId = (
      await pool.query(
        `INSERT INTO organization (name, slug, "createdAt") VALUES ('Acme', 'acme', now()) RETURNING id`,
      )
    ).rows[0].id;
    const userId = (
      await pool.query(
        `INSERT INTO "user" (name, email, "createdAt", "updatedAt", "favoriteOrgId")
         VALUES ('Ada', 'ada@x.test', now(), now(), $1) RETURNING id`,
        [organizationId],
      )
    ).rows[0].id;
    await pool.query(
      `INSERT INTO member ("organizationId", "userId", "createdAt") VALUES ($1, $2, now())`,
      [organizationId, userId],
    );
    await expect(
      pool.query(
        `INSERT INTO member ("organizationId", "userId", "createdAt") VALUES ($1, $2, now())`,
        [organizationId + 100, userId],
      ),
    ).rejects.toMatchObject({ code: "23503" });
  });
});

describe("C14: database-generated uuid ids", () => {
  const auth: BetterAuthOptions = {
    advanced: { database: { generateId: "uuid" } },
    user: { modelName: "users" },
  };

  it("writes a qualified gen_random_uuid() default and uuid foreign keys", () => {
    const sql = initSql(auth);

    expect(sql).toContain(
      'CREATE TABLE "users" (\n  "id" uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),\n',
    );
    expect(sql).toContain('  CONSTRAINT "users_pkey" PRIMARY KEY ("id")\n');
    expect(sql).toContain('  "userId" uuid NOT NULL,\n');
  });

  it("lets the database generate the id", async () => {
    const { pool } = await freshDatabase("c14");
    await applyMigrationFiles(pool, generateMigrations(auth).files);

    const { rows } = await pool.query(
      `INSERT INTO users (name, email, "createdAt", "updatedAt")
       VALUES ('Ada', 'ada@x.test', now(), now()) RETURNING id`,
    );

    expect(rows[0].id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const keyTypes = (await catalogColumns(pool))
      .filter((row) => row.column === "userId")
      .map((row) => `${row.table}.${row.column} ${row.type}`);
    expect(keyTypes).toEqual(["account.userId uuid", "session.userId uuid"]);
  });
});

describe("C15: dates are timestamptz", () => {
  it("declares every date column timestamp with time zone", async () => {
    const { pool } = await freshDatabase("c15");
    const auth: BetterAuthOptions = {
      user: {
        additionalFields: { birthDate: { type: "date", required: false } },
      },
    };
    await applyMigrationFiles(pool, generateMigrations(auth).files);

    const dateColumns = resolveSchema({ auth }).tables.flatMap((table) =>
      table.columns
        .filter((column) => column.kind === "date")
        .map((column) => `${table.table}.${column.column}`),
    );
    const types = new Set(
      (await catalogColumns(pool))
        .filter((row) => dateColumns.includes(`${row.table}.${row.column}`))
        .map((row) => row.type),
    );

    expect(dateColumns).toEqual([
      "user.createdAt",
      "user.updatedAt",
      "user.birthDate",
      "session.expiresAt",
      "session.createdAt",
      "session.updatedAt",
      "account.accessTokenExpiresAt",
      "account.refreshTokenExpiresAt",
      "account.createdAt",
      "account.updatedAt",
      "verification.expiresAt",
      "verification.createdAt",
      "verification.updatedAt",
    ]);
    expect([...types]).toEqual(["timestamp with time zone"]);
    expect(initSql(auth)).not.toMatch(/\btimestamp\b(?!tz)/);
  });

  it("reports a naive timestamp column as a mismatch", async () => {
    const { pool } = await freshDatabase("c15_naive");
    await applyMigrationFiles(pool, generateMigrations({}).files);
    await pool.query(
      `ALTER TABLE session ALTER COLUMN "expiresAt" TYPE timestamp`,
    );

    const plan = await planDatabase(
      new SqlConnection(pool),
      resolveSchema({ auth: {} }),
    );

    expect(plan.mismatches).toEqual([
      {
        table: '"session"',
        column: "expiresAt",
        aspect: "type",
        expected: "timestamptz",
        actual: "timestamp without time zone",
      },
    ]);
    expect(plan.exitCode).toBe(2);
  });
});
