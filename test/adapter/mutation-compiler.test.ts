import type { CleanedWhere } from "@better-auth/core/db/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applySchema } from "../../generator/index.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  compileConsume,
  compileIncrement,
  compileInsert,
  compileUpdate,
} from "../../runtime/compile-mutation.js";
import { schemaCatalogFor } from "../../runtime/schema-catalog.js";
import { planWhere } from "../../runtime/where-plan.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const auth = {
  user: {
    additionalFields: {
      credits: { type: "number", required: false },
      prefs: { type: "json", required: false },
      tags: { type: "string[]", required: false },
    },
  },
} as const;
const catalog = schemaCatalogFor(resolveSchema({ auth }));
const users = catalog.table("user");
const verifications = catalog.table("verification");

const VERIFICATION_COLUMNS =
  '"id", "identifier", "value", "expiresAt", "createdAt", "updatedAt"';

function eq(field: string, value: unknown, operator = "eq"): CleanedWhere {
  return {
    field,
    value: value as CleanedWhere["value"],
    operator: operator as CleanedWhere["operator"],
    connector: "AND",
    mode: "sensitive",
  };
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("mutation_compiler");
  await applySchema(database.pool, auth);
});

afterAll(async () => {
  await database.drop();
});

describe("compileInsert", () => {
  it("binds json as JSON text and arrays natively", async () => {
    const statement = compileInsert(users, {
      id: "u1",
      name: "A",
      email: "a@x.test",
      emailVerified: false,
      createdAt: new Date("2026-01-01T00:00:00Z"),
      updatedAt: new Date("2026-01-01T00:00:00Z"),
      prefs: ["dark", { size: 2 }],
      tags: ["b,c", "{x}", '"q"', "NULL"],
      credits: 3,
    });

    expect(statement.text).toBe(
      'INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt", "prefs", "tags", "credits")' +
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)" +
        ' RETURNING "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "credits", "prefs", "tags"',
    );
    expect(statement.values[6]).toBe('["dark",{"size":2}]');

    const { rows } = await database.pool.query(
      statement.text,
      statement.values,
    );
    expect(rows[0]).toMatchObject({
      prefs: ["dark", { size: 2 }],
      tags: ["b,c", "{x}", '"q"', "NULL"],
    });
  });
});

describe("compileUpdate", () => {
  it("updates by a unique key without a subquery", () => {
    const statement = compileUpdate(
      users,
      planWhere(users, [eq("email", "a@x.test")]),
      { name: "B" },
      { oneRow: true },
    );

    expect(statement.text).toMatch(
      /^UPDATE "user" SET "name" = \$1 WHERE "email" = \$2 RETURNING /,
    );
  });

  it("changes one row when the predicate is not unique", async () => {
    await database.pool.query(
      `INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
       VALUES ('u2', 'Same', 'b@x.test', false, now(), now()),
              ('u3', 'Same', 'c@x.test', false, now(), now())`,
    );
    const statement = compileUpdate(
      users,
      planWhere(users, [eq("name", "Same")]),
      { emailVerified: true },
      { oneRow: true },
    );

    expect(statement.text).toMatch(
      /^UPDATE "user" SET "emailVerified" = \$1 WHERE "id" = \(SELECT "id" FROM "user" WHERE "name" = \$2 LIMIT 1 FOR NO KEY UPDATE\) RETURNING /,
    );
    const { rowCount } = await database.pool.query(
      statement.text,
      statement.values,
    );
    expect(rowCount).toBe(1);
  });
});

describe("compileIncrement", () => {
  it("adds the delta under the guard in one statement", async () => {
    await database.pool.query(
      `UPDATE "user" SET "credits" = 1 WHERE "id" = 'u1'`,
    );
    const plan = planWhere(users, [eq("id", "u1"), eq("credits", 0, "gt")]);
    const statement = compileIncrement(
      users,
      plan,
      { credits: -1 },
      {
        name: "Spent",
      },
    );

    expect(statement.text).toMatch(
      /^UPDATE "user" SET "credits" = "credits" \+ \$1, "name" = \$2 WHERE "id" = \$3 AND "credits" > \$4 RETURNING /,
    );
    expect(statement.values).toEqual([-1, "Spent", "u1", 0]);

    const first = await database.pool.query(statement.text, statement.values);
    const second = await database.pool.query(statement.text, statement.values);
    expect(first.rows[0]).toMatchObject({ credits: 0, name: "Spent" });
    expect(second.rowCount).toBe(0);
  });
});

describe("compileConsume", () => {
  it("deletes one locked row of a non-unique predicate", async () => {
    await database.pool.query(
      `INSERT INTO "verification" VALUES
        ('v1', 'reset:a', 'x', now(), now(), now()),
        ('v2', 'reset:a', 'y', now(), now(), now())`,
    );
    const statement = compileConsume(
      verifications,
      planWhere(verifications, [eq("identifier", "reset:a")]),
    );

    expect(statement).toEqual({
      text:
        `DELETE FROM "verification" WHERE "id" = (SELECT "id" FROM "verification" WHERE "identifier" = $1 LIMIT 1 FOR UPDATE)` +
        ` RETURNING ${VERIFICATION_COLUMNS}`,
      values: ["reset:a"],
    });
    const { rows } = await database.pool.query(
      statement.text,
      statement.values,
    );
    const left = await database.pool.query(
      `SELECT count(*)::int AS n FROM "verification"`,
    );
    expect(rows).toHaveLength(1);
    expect(left.rows[0].n).toBe(1);
  });

  it("deletes by a unique key directly", () => {
    const statement = compileConsume(
      verifications,
      planWhere(verifications, [eq("id", "v9")]),
    );

    expect(statement.text).toBe(
      `DELETE FROM "verification" WHERE "id" = $1 RETURNING ${VERIFICATION_COLUMNS}`,
    );
  });
});
