import type { CleanedWhere } from "@better-auth/core/db/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applySchema } from "../../generator/index.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { compileSelect } from "../../runtime/compile-select.js";
import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import { schemaCatalogFor } from "../../runtime/schema-catalog.js";
import { SqlParameters } from "../../runtime/sql-parameters.js";
import { planWhere } from "../../runtime/where-plan.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const auth = {
  user: {
    additionalFields: {
      age: { type: "number", required: false },
      tags: { type: "string[]", required: false },
    },
  },
} as const;
const manifest = resolveSchema({ auth });
const users = schemaCatalogFor(manifest).table("user");

type Clause = Partial<CleanedWhere> & Pick<CleanedWhere, "field" | "value">;

/** Fills in the defaults Better Auth's adapter factory applies. */
function clauses(...where: Clause[]): CleanedWhere[] {
  return where.map((clause) => ({
    operator: "eq",
    connector: "AND",
    mode: "sensitive",
    ...clause,
  }));
}

/** The emails of the users matching `where`, ordered by email. */
function selectEmails(where: CleanedWhere[]) {
  return compileSelect({
    table: users,
    where: planWhere(users, where),
    columns: [users.field("email")],
    sortBy: { column: users.field("email"), direction: "asc" },
    joins: [],
  });
}

let database: TestDatabase;

async function emailsOf(statement: { text: string; values: unknown[] }) {
  const { rows } = await database.pool.query(statement.text, statement.values);
  return rows.map((row) => row.email);
}

beforeAll(async () => {
  database = await createTestDatabase("where_compiler");
  await applySchema(database.pool, auth);
  await database.pool.query(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "age", "tags") VALUES
      ('u1', 'Alice', 'alice@example.com', true, NULL, now(), now(), 30, '{a,b}'),
      ('u2', 'Bob', 'Bob@Example.COM', false, 'x', now(), now(), 40, '{}'),
      ('u3', 'Carol\\', 'carol_100%@x.test', false, NULL, now(), now(), NULL, NULL)`,
  );
});

afterAll(async () => {
  await database.drop();
});

describe("compileWhere", () => {
  it("compares with a parameter for eq", async () => {
    const statement = selectEmails(
      clauses({ field: "email", value: "alice@example.com" }),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "email" = $1 ORDER BY "email" ASC',
      values: ["alice@example.com"],
    });
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("renders eq null as IS NULL", async () => {
    const statement = selectEmails(clauses({ field: "image", value: null }));

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "image" IS NULL ORDER BY "email" ASC',
      values: [],
    });
    expect(await emailsOf(statement)).toEqual([
      "alice@example.com",
      "carol_100%@x.test",
    ]);
  });

  it("renders ne null as IS NOT NULL", async () => {
    const statement = selectEmails(
      clauses({ field: "image", value: null, operator: "ne" }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE "image" IS NOT NULL ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("renders the ordering operators", async () => {
    const statement = selectEmails(
      clauses(
        { field: "age", value: 30, operator: "gte" },
        { field: "age", value: 40, operator: "lt" },
      ),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "age" >= $1 AND "age" < $2 ORDER BY "email" ASC',
      values: [30, 40],
    });
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("binds an in list as one array parameter", async () => {
    const statement = selectEmails(
      clauses({
        field: "email",
        value: ["alice@example.com", "nobody@x.test"],
        operator: "in",
      }),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "email" = ANY($1::text[]) ORDER BY "email" ASC',
      values: [["alice@example.com", "nobody@x.test"]],
    });
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("renders not_in as <> ALL", async () => {
    const statement = selectEmails(
      clauses({
        field: "email",
        value: ["alice@example.com"],
        operator: "not_in",
      }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE "email" <> ALL($1::text[]) ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual([
      "Bob@Example.COM",
      "carol_100%@x.test",
    ]);
  });

  it("folds in [] to FALSE", async () => {
    const statement = selectEmails(
      clauses({ field: "email", value: [], operator: "in" }),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE FALSE ORDER BY "email" ASC',
      values: [],
    });
    expect(await emailsOf(statement)).toEqual([]);
  });

  it("folds not_in [] away so every row matches", async () => {
    const statement = selectEmails(
      clauses({ field: "email", value: [], operator: "not_in" }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toHaveLength(3);
  });

  it("matches null elements of an in list with IS NULL", async () => {
    // Better Auth's type has no null elements, but callers pass them.
    const value = ["x", null] as unknown as string[];
    const statement = selectEmails(
      clauses({ field: "image", value, operator: "in" }),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "image" = ANY($1::text[]) OR "image" IS NULL ORDER BY "email" ASC',
      values: [["x"]],
    });
    expect(await emailsOf(statement)).toHaveLength(3);
  });

  it("escapes LIKE wildcards in contains", async () => {
    const statement = selectEmails(
      clauses({ field: "email", value: "_100%", operator: "contains" }),
    );

    expect(statement).toEqual({
      text: `SELECT "email" FROM "user" WHERE "email" LIKE $1 ESCAPE E'\\\\' ORDER BY "email" ASC`,
      values: ["%\\_100\\%%"],
    });
    expect(await emailsOf(statement)).toEqual(["carol_100%@x.test"]);
  });

  it("treats a backslash in ends_with literally", async () => {
    const statement = selectEmails(
      clauses({ field: "name", value: "l\\", operator: "ends_with" }),
    );

    expect(statement.values).toEqual(["%l\\\\"]);
    expect(await emailsOf(statement)).toEqual(["carol_100%@x.test"]);
  });

  it("uses ILIKE for insensitive starts_with", async () => {
    const statement = selectEmails(
      clauses({
        field: "email",
        value: "bob@",
        operator: "starts_with",
        mode: "insensitive",
      }),
    );

    expect(statement).toEqual({
      text: `SELECT "email" FROM "user" WHERE "email" ILIKE $1 ESCAPE E'\\\\' ORDER BY "email" ASC`,
      values: ["bob@%"],
    });
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("lowers both sides for insensitive eq", async () => {
    const statement = selectEmails(
      clauses({
        field: "email",
        value: "BOB@example.com",
        mode: "insensitive",
      }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE lower("email") = lower($1) ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("lowers every element for insensitive in", async () => {
    const statement = selectEmails(
      clauses({
        field: "email",
        value: ["BOB@EXAMPLE.COM"],
        operator: "in",
        mode: "insensitive",
      }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE lower("email") = ANY(SELECT lower(v) FROM unnest($1::text[]) AS v) ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("ignores insensitive mode on a boolean column", async () => {
    const statement = selectEmails(
      clauses({ field: "emailVerified", value: true, mode: "insensitive" }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE "emailVerified" = $1 ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("ANDs one disjunction of the OR clauses with the rest", async () => {
    const statement = selectEmails(
      clauses(
        { field: "email", value: "alice@example.com", connector: "OR" },
        { field: "email", value: "Bob@Example.COM", connector: "OR" },
        { field: "emailVerified", value: false },
      ),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "emailVerified" = $1 AND ("email" = $2 OR "email" = $3) ORDER BY "email" ASC',
      values: [false, "alice@example.com", "Bob@Example.COM"],
    });
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("reads contains on an array column as element membership", async () => {
    const statement = selectEmails(
      clauses({ field: "tags", value: "b", operator: "contains" }),
    );

    expect(statement.text).toBe(
      'SELECT "email" FROM "user" WHERE $1 = ANY("tags") ORDER BY "email" ASC',
    );
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("rejects an unknown field by name", () => {
    expect(() =>
      planWhere(users, clauses({ field: "nope", value: 1 })),
    ).toThrow(
      new InvalidQueryError(
        'Model "user" has no column "nope" in the schema manifest; regenerate after changing the auth options.',
      ),
    );
  });

  it("rejects an unknown operator by name", () => {
    const where = clauses({
      field: "email",
      value: "a",
      operator: "like" as CleanedWhere["operator"],
    });

    expect(() => planWhere(users, where)).toThrow(
      'Operator "like" on field "email" of model "user" is not a Better Auth where operator.',
    );
  });

  it("rejects a pattern operator on a number column", () => {
    const where = clauses({ field: "age", value: "3", operator: "contains" });

    expect(() => planWhere(users, where)).toThrow(
      'Operator "contains" does not apply to field "age" of model "user", which holds number values.',
    );
  });

  it("turns lt on a fraction into lte on its floor for an integer column", async () => {
    const parameters = new SqlParameters();
    const statement = compileSelect(
      {
        table: users,
        where: planWhere(
          users,
          clauses({ field: "age", value: 35.5, operator: "lt" }),
        ),
        columns: [users.field("email")],
        joins: [],
      },
      parameters,
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "age" <= $1',
      values: [35],
    });
    // A derived value has no source in the call: never cached and reused.
    expect(parameters.sources).toEqual([null]);
    expect(await emailsOf(statement)).toEqual(["alice@example.com"]);
  });

  it("turns gte on a fraction into gte on its ceiling", async () => {
    const statement = selectEmails(
      clauses({ field: "age", value: 30.2, operator: "gte" }),
    );

    expect(statement.values).toEqual([31]);
    expect(await emailsOf(statement)).toEqual(["Bob@Example.COM"]);
  });

  it("reads lt past the integer range as every row with a value", async () => {
    const statement = selectEmails(
      clauses({ field: "age", value: 2 ** 31, operator: "lt" }),
    );

    expect(statement).toEqual({
      text: 'SELECT "email" FROM "user" WHERE "age" IS NOT NULL ORDER BY "email" ASC',
      values: [],
    });
    expect(await emailsOf(statement)).toEqual([
      "Bob@Example.COM",
      "alice@example.com",
    ]);
  });

  it("folds gt past the integer range to FALSE", () => {
    expect(
      planWhere(
        users,
        clauses({ field: "age", value: 2 ** 31, operator: "gt" }),
      ),
    ).toEqual({ kind: "constant", value: false });
  });

  it("rejects an ordering against a string on an integer column", () => {
    const where = clauses({ field: "age", value: "old", operator: "gte" });

    expect(() => planWhere(users, where)).toThrow(
      new InvalidQueryError(
        `Operator "gte" on field "age" of model "user" needs a value of the column's type, integer.`,
      ),
    );
  });

  it("rejects an ordering against NaN on an integer column", () => {
    const where = clauses({ field: "age", value: Number.NaN, operator: "lt" });

    expect(() => planWhere(users, where)).toThrow(
      `Operator "lt" on field "age" of model "user" needs a value of the column's type, integer.`,
    );
  });
});

describe("planWhere on uuid ids", () => {
  const uuidUsers = schemaCatalogFor(
    resolveSchema({ auth: { advanced: { database: { generateId: "uuid" } } } }),
  ).table("user");

  it("folds an eq with a malformed uuid to FALSE", () => {
    expect(
      planWhere(uuidUsers, clauses({ field: "id", value: "not-a-uuid" })),
    ).toEqual({ kind: "constant", value: false });
  });

  it("drops malformed uuids from an in list", () => {
    const plan = planWhere(
      uuidUsers,
      clauses({
        field: "id",
        value: ["not-a-uuid", "8c0e9f64-2d36-4d57-9a4f-0f3c1fd7a3b1"],
        operator: "in",
      }),
    );

    expect(plan).toMatchObject({
      kind: "list",
      values: ["8c0e9f64-2d36-4d57-9a4f-0f3c1fd7a3b1"],
    });
  });
});
