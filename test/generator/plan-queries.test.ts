import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import { planQueries } from "../../generator/queries/plan-queries.js";
import { planStaticQueries } from "../../generator/queries/plan-static-queries.js";
import type { QueryPlan } from "../../generator/queries/query-plan.js";
import {
  renderQuery,
  type RenderedQuery,
} from "../../generator/queries/render-query.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const manifest = resolveSchema({
  auth: {
    user: { fields: { email: "email_address" } },
    advanced: { database: { generateId: "uuid" } },
  },
});
const plans = planQueries(manifest);

function plan(name: string): QueryPlan {
  const found = plans.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no query ${name}`);
  return found;
}

function bind(query: RenderedQuery, values: Record<string, unknown>) {
  return query.params.map((param) => values[param.name] ?? null);
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("plan_queries");
  await db.pool.query(renderDdl(planSchemaDdl(manifest)));
});

afterAll(async () => {
  await db.drop();
});

async function insertUser(email: string, id: string | null = null) {
  const insert = renderQuery(plan("insertUser"), "static");
  const now = new Date("2026-01-01T12:00:00.000Z");
  const { rows } = await db.pool.query(
    insert.sql,
    bind(insert, { id, name: "Ann", email, createdAt: now, updatedAt: now }),
  );
  return rows[0] as { id: string };
}

describe("planQueries", () => {
  it("finds by a unique field through its mapped column with a cast parameter", async () => {
    const query = plan("findUserByEmail");

    expect(renderQuery(query, "pgtyped").sql).toBe(
      [
        "SELECT",
        '  "id",',
        '  "name",',
        '  "email_address",',
        '  "emailVerified",',
        '  "image",',
        '  "createdAt",',
        '  "updatedAt"',
        'FROM "user"',
        'WHERE "email_address" = :email!::text',
      ].join("\n"),
    );
    expect(renderQuery(query, "static").params.map((p) => p.name)).toEqual([
      "email",
    ]);

    await insertUser("find@x.test");
    const found = renderQuery(query, "static");
    const { rows } = await db.pool.query(found.sql, ["find@x.test"]);
    expect(rows).toEqual([
      expect.objectContaining({ email_address: "find@x.test", name: "Ann" }),
    ]);
  });

  it("lets the database make a uuid id and keeps an explicit one (C14)", async () => {
    expect(renderQuery(plan("insertUser"), "pgtyped").sql).toContain(
      "COALESCE(:id::uuid, pg_catalog.gen_random_uuid())",
    );

    const made = await insertUser("made@x.test");
    const kept = await insertUser(
      "kept@x.test",
      "0b6f8e2c-3c8e-4a8e-9d5e-1f2a3b4c5d6e",
    );

    expect(made.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    expect(kept.id).toBe("0b6f8e2c-3c8e-4a8e-9d5e-1f2a3b4c5d6e");
  });

  it("counts with count(*)::int so the row holds a JS number", async () => {
    const count = renderQuery(plan("countUsers"), "static");

    expect(count.sql).toBe('SELECT\n  count(*)::int AS "count"\nFROM "user"');
    const { rows } = await db.pool.query(count.sql);
    expect(typeof rows[0].count).toBe("number");
  });

  it("writes optional count filters with a cast on both uses (C24)", () => {
    expect(renderQuery(plan("countSessions"), "pgtyped").sql).toBe(
      [
        "SELECT",
        '  count(*)::int AS "count!"',
        'FROM "session"',
        'WHERE (:userId::uuid IS NULL OR "userId" = :userId::uuid)',
      ].join("\n"),
    );
  });

  it("lists by a foreign key in key order with a bound limit", async () => {
    const user = await insertUser("list@x.test");
    const insert = renderQuery(plan("insertSession"), "static");
    for (const token of ["t-list-1", "t-list-2"]) {
      await db.pool.query(
        insert.sql,
        bind(insert, {
          token,
          userId: user.id,
          expiresAt: new Date(),
          createdAt: new Date(),
          updatedAt: new Date(),
        }),
      );
    }

    const list = renderQuery(plan("listSessionsByUserId"), "static");
    expect(list.sql).toMatch(
      /WHERE "userId" = \$1::uuid\nORDER BY "id"\nLIMIT \$2::integer$/,
    );
    const { rows } = await db.pool.query(list.sql, [user.id, 1]);
    expect(rows).toHaveLength(1);
  });

  it("left-joins the user with nullable-hinted flat columns for pgtyped", () => {
    const sql = renderQuery(plan("findSessionWithUserByToken"), "pgtyped").sql;

    expect(sql).toContain('"user"."email_address" AS "user.email_address?"');
    expect(sql).toContain(
      'FROM "session" AS "session"\nLEFT JOIN "user" AS "user" ON "user"."id" = "session"."userId"',
    );
    expect(sql).toContain('WHERE "session"."token" = :token!::text');
  });

  it("keeps null-valued updates from overwriting a column", async () => {
    const user = await insertUser("update@x.test");
    const update = renderQuery(plan("updateUserById"), "static");

    const { rows } = await db.pool.query(
      update.sql,
      bind(update, { id: user.id, name: "Bea" }),
    );

    expect(rows[0]).toMatchObject({
      name: "Bea",
      email_address: "update@x.test",
    });
  });

  it("keeps field keys that differ only by underscores apart (C25)", () => {
    const twoFactor = planQueries(
      resolveSchema({
        auth: {
          user: {
            additionalFields: {
              is_2fa_enabled: { type: "string", unique: true, required: false },
              is2fa_enabled: { type: "string", unique: true, required: false },
            },
          },
        },
      }),
    );
    const insert = twoFactor.find((query) => query.name === "insertUser")!;

    expect(insert.params.map((param) => param.name)).toEqual(
      expect.arrayContaining(["is_2fa_enabled", "is2fa_enabled"]),
    );
    expect(twoFactor.map((query) => query.name)).toEqual(
      expect.arrayContaining([
        "findUserByIs_2faEnabled",
        "findUserByIs2faEnabled",
      ]),
    );
  });

  it("rejects a column name pgtyped would read as a nullability hint", () => {
    const withHint = resolveSchema({
      auth: { user: { fields: { image: "image?" } } },
    });

    expect(() => planQueries(withHint)).toThrow(
      expect.objectContaining({
        name: "CodegenError",
        message:
          'Column "image?" of field "user.image" ends in "?", which pgtyped reads as a nullability hint; map the field to another column name.',
        optionPath: "auth.user.fields.image",
      }),
    );
  });

  it("rejects two field keys that become one parameter name", () => {
    const colliding = resolveSchema({
      auth: {
        user: {
          additionalFields: {
            "e-mail": { type: "string", required: false },
            eMail: { type: "string", required: false },
          },
        },
      },
    });

    expect(() => planQueries(colliding)).toThrow(
      'Fields "user.e-mail" and "user.eMail" both become query parameter "eMail"; rename one of them.',
    );
  });
});

describe("planStaticQueries", () => {
  it("derives the read queries with their operations, fields and joins", () => {
    const session = planStaticQueries(manifest)
      .filter((query) => query.model === "session")
      .map(({ name, operation, whereFields, joins }) => ({
        name,
        operation,
        whereFields,
        joins,
      }));

    expect(session).toEqual([
      {
        name: "findSessionById",
        operation: "findOne",
        whereFields: ["id"],
        joins: [],
      },
      {
        name: "findSessionByToken",
        operation: "findOne",
        whereFields: ["token"],
        joins: [],
      },
      {
        name: "listSessionsByUserId",
        operation: "findMany",
        whereFields: ["userId"],
        joins: [],
      },
      { name: "countSessions", operation: "count", whereFields: [], joins: [] },
      {
        name: "findSessionWithUserByToken",
        operation: "findOne",
        whereFields: ["token"],
        joins: ["user"],
      },
    ]);
  });

  it("returns the session with its user as one jsonb column keyed by column", async () => {
    const user = await insertUser("join@x.test");
    const insert = renderQuery(plan("insertSession"), "static");
    const expiresAt = new Date("2026-01-01T12:00:00.000Z");
    await db.pool.query(
      insert.sql,
      bind(insert, {
        token: "t-join",
        userId: user.id,
        expiresAt,
        createdAt: expiresAt,
        updatedAt: expiresAt,
      }),
    );

    const query = planStaticQueries(manifest).find(
      (candidate) => candidate.name === "findSessionWithUserByToken",
    )!;
    const { rows } = await db.pool.query(query.sql, ["t-join"]);

    expect(rows).toHaveLength(1);
    expect(rows[0].token).toBe("t-join");
    expect(rows[0].expiresAt.getTime()).toBe(1767268800000);
    expect(rows[0].user).toMatchObject({
      id: user.id,
      email_address: "join@x.test",
      emailVerified: false,
    });
    expect(new Date(rows[0].user.createdAt).getTime()).toBe(1767268800000);
  });

  it("leaves out the session join when a session column is named user", () => {
    const shadowed = resolveSchema({
      auth: { session: { fields: { userId: "user" } } },
    });

    expect(
      planStaticQueries(shadowed).map((query) => query.name),
    ).not.toContain("findSessionWithUserByToken");
  });
});
