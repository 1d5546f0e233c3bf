import { randomUUID } from "node:crypto";

import type { BetterAuthOptions } from "better-auth";
import {
  afterAll,
  beforeAll,
  describe,
  expect,
  it,
  onTestFinished,
} from "vitest";

import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const joins = { database: { joins: true } };

/** A session as Better Auth creates one (it sets `updatedAt` itself). */
function sessionData(token: string, userId: unknown) {
  const now = new Date();
  return {
    token,
    userId,
    expiresAt: new Date(now.getTime() + 60_000),
    updatedAt: now,
  };
}

/** Creates a user and a session, then reads the session with its user. */
async function sessionWithUser(
  fixture: AdapterFixture,
  token: string,
  extra: Row = {},
) {
  const user = await fixture.adapter.create<Row, Row>({
    model: "user",
    data: userData(`${token}@x.test`, extra),
  });
  await fixture.adapter.create({
    model: "session",
    data: sessionData(token, user.id),
  });

  fixture.statements.length = 0;
  const found = await fixture.adapter.findOne<Row>({
    model: "session",
    where: [{ field: "token", value: token }],
    join: { user: true },
  });
  return { user, found };
}

/** The table a foreign-key column points at, from the catalog. */
async function referencedTable(
  fixture: AdapterFixture,
  table: string,
  column: string,
) {
  const { rows } = await fixture.pool.query(
    `SELECT c.confrelid::regclass::text AS target
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND a.attname = $2`,
    [table, column],
  );
  return rows.map((row) => row.target);
}

describe("C07: joins with custom or colliding model names", () => {
  it("A: joins sessions to users in one statement", async () => {
    const fixture = await createAdapterFixture("c07a", {
      user: { modelName: "users" },
      session: { modelName: "sessions" },
      advanced: joins,
    });
    onTestFinished(() => fixture.drop());

    const { user, found } = await sessionWithUser(fixture, "tok-a");

    expect(found?.user).toEqual(user);
    expect(fixture.statements).toHaveLength(1);
  });

  it("B: points userId at the table holding users when names collide", async () => {
    const fixture = await createAdapterFixture("c07b", {
      user: { modelName: "account" },
      account: { modelName: "identity" },
      advanced: joins,
    });
    onTestFinished(() => fixture.drop());

    const { user, found } = await sessionWithUser(fixture, "tok-b");

    expect(await referencedTable(fixture, "session", "userId")).toEqual([
      "account",
    ]);
    expect(await referencedTable(fixture, "identity", "userId")).toEqual([
      "account",
    ]);
    expect(found?.user).toEqual(user);
  });

  it("C: ignores a reference to an unmanaged table in joins", async () => {
    const fixture = await createAdapterFixture("c07c", {
      user: {
        additionalFields: {
          roleId: {
            type: "string",
            references: { model: "roles", field: "id" },
          },
        },
      },
      advanced: joins,
    } as BetterAuthOptions);
    onTestFinished(() => fixture.drop());
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("c@x.test", { roleId: "r1" }),
    });
    await fixture.adapter.create({
      model: "session",
      data: sessionData("tok-c", user.id),
    });

    const withSessions = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: user.id as string }],
      join: { session: true },
    });
    const { found } = await sessionWithUser(fixture, "tok-c2", {
      roleId: "r2",
    });

    expect(withSessions).toMatchObject({
      roleId: "r1",
      session: [{ token: "tok-c" }],
    });
    expect(found?.user).toMatchObject({ email: "tok-c2@x.test" });
  });

  it("D: targets plural tables for joins and count with usePlural", async () => {
    const fixture = await createAdapterFixture(
      "c07d",
      { advanced: joins },
      { usePlural: true },
    );
    onTestFinished(() => fixture.drop());

    const { user, found } = await sessionWithUser(fixture, "tok-d");
    fixture.statements.length = 0;
    const count = await fixture.adapter.count({ model: "session" });

    expect(found?.user).toEqual(user);
    expect(count).toBe(1);
    expect(fixture.statements[0]?.sql).toContain('FROM "sessions"');
    const { rows } = await fixture.pool.query(
      `SELECT to_regclass('users')::text AS users, to_regclass('sessions')::text AS sessions`,
    );
    expect(rows[0]).toEqual({ users: "users", sessions: "sessions" });
  });
});

describe("C09: schema-qualified tables and long names", () => {
  const auth = {
    user: { modelName: "internal.users" },
    session: { modelName: "internal.sessions" },
    account: { modelName: "internal.accounts" },
    rateLimit: { storage: "database", modelName: "internal.rateLimit" },
    advanced: joins,
    plugins: [
      {
        id: "audit",
        schema: {
          organizationInvitationAuditEntries: {
            fields: {
              invitationAcceptedByMemberIdentifier: {
                type: "string",
                references: { model: "user", field: "id" },
              },
            },
          },
        },
      },
    ],
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c09", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  it("reads and writes internal.users and its sessions", async () => {
    const { user, found } = await sessionWithUser(fixture, "tok-9");

    expect(found?.user).toEqual(user);
    expect(fixture.statements[0]?.sql).toContain('"internal"."users"');
    expect(await fixture.adapter.count({ model: "user" })).toBe(1);
  });

  it("keeps the rateLimit casing and returns lastRequest as a number", async () => {
    await fixture.adapter.create({
      model: "rateLimit",
      data: { key: "ip:1", count: 1, lastRequest: 1767268800000 },
    });

    const found = await fixture.adapter.findOne({
      model: "rateLimit",
      where: [{ field: "key", value: "ip:1" }],
    });

    expect(found).toMatchObject({ count: 1, lastRequest: 1767268800000 });
    const { rows } = await fixture.pool.query(
      `SELECT to_regclass('"internal"."rateLimit"')::text AS name`,
    );
    expect(rows[0].name).toBe('internal."rateLimit"');
  });

  it("joins the long-named model with aliases under 63 bytes", async () => {
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("long@x.test"),
    });
    await fixture.adapter.create({
      model: "organizationInvitationAuditEntries",
      data: { invitationAcceptedByMemberIdentifier: user.id },
    });
    fixture.statements.length = 0;

    const found = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: user.id as string }],
      join: { organizationInvitationAuditEntries: true },
    });

    expect(found?.organizationInvitationAuditEntries).toEqual([
      {
        id: expect.any(String),
        invitationAcceptedByMemberIdentifier: user.id,
      },
    ]);
    const aliases = [...fixture.statements[0]!.sql.matchAll(/AS "([^"]+)"/g)];
    expect(aliases.length).toBeGreaterThan(0);
    for (const [, alias] of aliases) {
      expect(Buffer.byteLength(alias!)).toBeLessThanOrEqual(63);
    }
  });
});

describe("C14: uuid ids generated by the database", () => {
  const auth = {
    user: { modelName: "users" },
    advanced: { database: { generateId: "uuid" } },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c14", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  it("declares uuid keys defaulting to pg_catalog.gen_random_uuid()", async () => {
    const ddl = renderDdl(planSchemaDdl(resolveSchema({ auth })));
    const { rows } = await fixture.pool.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name IN ('id', 'userId')
       ORDER BY table_name, column_name`,
    );

    expect(ddl).toContain(
      '"id" uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid()',
    );
    expect(new Set(rows.map((row) => row.data_type))).toEqual(
      new Set(["uuid"]),
    );
  });

  it("omits the id from the INSERT and returns the database's uuid", async () => {
    fixture.statements.length = 0;
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("u@x.test"),
    });

    expect(user.id).toMatch(UUID);
    expect(fixture.statements[0]?.sql).toMatch(
      /^INSERT INTO "users" \("name", "email", "emailVerified", "createdAt", "updatedAt"\) VALUES/,
    );
  });

  it("keeps an explicit uuid given with forceAllowId", async () => {
    const id = randomUUID();

    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: { id, ...userData("forced@x.test") },
      forceAllowId: true,
    });

    expect(user.id).toBe(id);
  });

  it("returns null without a statement for a malformed uuid lookup", async () => {
    fixture.statements.length = 0;

    const found = await fixture.adapter.findOne({
      model: "user",
      where: [{ field: "id", value: "not-a-uuid" }],
    });

    expect(found).toBeNull();
    expect(fixture.statements).toEqual([]);
  });

  it("never sends an app id for a model whose generator returns false", async () => {
    const other = await createAdapterFixture("c14_fn", {
      advanced: {
        database: {
          generateId: ({ model }) =>
            model === "user" ? false : `app-${randomUUID()}`,
        },
      },
    });
    onTestFinished(() => other.drop());

    const user = await other.adapter.create<Row, Row>({
      model: "user",
      data: userData("fn@x.test"),
    });
    const session = await other.adapter.create<Row, Row>({
      model: "session",
      data: sessionData("t", user.id),
    });

    expect(user.id).toMatch(UUID);
    expect(session.id).toMatch(/^app-/);
    const insertedColumns = other.statements[0]?.sql.match(/\(([^)]*)\)/);
    expect(insertedColumns?.[1]).not.toContain('"id"');
  });
});
