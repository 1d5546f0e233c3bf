import type { JoinConfig } from "@better-auth/core/db/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applySchema } from "../../generator/index.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { compileSelect } from "../../runtime/compile-select.js";
import { planJoins } from "../../runtime/join-plan.js";
import { schemaCatalogFor } from "../../runtime/schema-catalog.js";
import { planWhere } from "../../runtime/where-plan.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const auth = {};
const catalog = schemaCatalogFor(resolveSchema({ auth }));
const users = catalog.table("user");
const sessions = catalog.table("session");

const USER_COLUMNS =
  '"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"';
const SESSION_COLUMNS =
  '"id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"';

/** A session's user, as Better Auth's factory resolves `join: { user: true }`. */
const sessionUser: JoinConfig = {
  user: {
    modelKey: "user",
    on: { from: "userId", to: "id" },
    relation: "one-to-one",
    limit: 1,
  },
};

/** A user's sessions, as the factory resolves `join: { session: { limit } }`. */
function userSessions(limit: number): JoinConfig {
  return {
    session: {
      modelKey: "session",
      on: { from: "id", to: "userId" },
      relation: "one-to-many",
      limit,
    },
  };
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("join_planner");
  await applySchema(database.pool, auth);
  await database.pool.query(
    `INSERT INTO "user" VALUES
      ('u1', 'Alice', 'alice@x.test', true, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
      ('u2', 'Bob', 'bob@x.test', false, NULL, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z');
     INSERT INTO "session" VALUES
      ('s1', '2026-02-01T12:00:00.123Z', 't1', now(), now(), NULL, NULL, 'u1'),
      ('s2', '2026-02-02T12:00:00Z', 't2', now(), now(), NULL, NULL, 'u1')`,
  );
});

afterAll(async () => {
  await database.drop();
});

describe("compileSelect with joins", () => {
  it("embeds a session's user as one JSON object in one statement", async () => {
    const joins = planJoins(catalog, sessions, sessionUser);
    const statement = compileSelect({
      table: sessions,
      where: planWhere(sessions, [
        {
          field: "token",
          value: "t1",
          operator: "eq",
          connector: "AND",
          mode: "sensitive",
        },
      ]),
      columns: sessions.manifest.columns,
      limit: 1,
      joins,
    });

    expect(statement).toEqual({
      text:
        `SELECT "b"."id", "b"."expiresAt", "b"."token", "b"."createdAt", "b"."updatedAt", "b"."ipAddress", "b"."userAgent", "b"."userId",` +
        ` (SELECT row_to_json("r") FROM (SELECT ${USER_COLUMNS} FROM "user" AS "j" WHERE "j"."id" = "b"."userId" LIMIT 1) AS "r") AS "join_0"` +
        ` FROM (SELECT ${SESSION_COLUMNS} FROM "session" WHERE "token" = $1 LIMIT $2) AS "b"`,
      values: ["t1", 1],
    });

    const { rows } = await database.pool.query(
      statement.text,
      statement.values,
    );
    const user = users.decodeJsonRow(rows[0].join_0);
    expect(user).toEqual({
      id: "u1",
      name: "Alice",
      email: "alice@x.test",
      emailVerified: true,
      image: null,
      createdAt: new Date("2026-01-01T00:00:00.000Z"),
      updatedAt: new Date("2026-01-01T00:00:00.000Z"),
    });
  });

  it("caps one-to-many rows per parent and returns [] for none", async () => {
    const joins = planJoins(catalog, users, userSessions(1));
    const statement = compileSelect({
      table: users,
      where: planWhere(users, undefined),
      columns: [users.field("id")],
      sortBy: { column: users.field("id"), direction: "asc" },
      limit: 10,
      joins,
    });

    expect(statement).toEqual({
      text:
        `SELECT "b"."id", (SELECT coalesce(json_agg("r"), '[]') FROM (SELECT ${SESSION_COLUMNS} FROM "session" AS "j" WHERE "j"."userId" = "b"."id" LIMIT $2) AS "r") AS "join_0"` +
        ` FROM (SELECT "id" FROM "user" ORDER BY "id" ASC LIMIT $1) AS "b" ORDER BY "b"."id" ASC`,
      values: [10, 1],
    });

    const { rows } = await database.pool.query(
      statement.text,
      statement.values,
    );
    expect(rows.map((row) => [row.id, row.join_0.length])).toEqual([
      ["u1", 1],
      ["u2", 0],
    ]);
    expect(sessions.decodeJsonRow(rows[0].join_0[0]).expiresAt).toBeInstanceOf(
      Date,
    );
  });

  it("keeps the sort key in the base subquery when select omits it", () => {
    const joins = planJoins(catalog, users, userSessions(5));
    const statement = compileSelect({
      table: users,
      where: planWhere(users, undefined),
      columns: [users.field("id")],
      sortBy: { column: users.field("email"), direction: "desc" },
      joins,
      orderByKey: true,
    });

    expect(statement.text).toContain(
      'FROM (SELECT "id", "email" FROM "user" ORDER BY "email" DESC, "id" ASC) AS "b" ORDER BY "b"."email" DESC, "b"."id" ASC',
    );
  });

  it("numbers join aliases so they never approach 63 bytes", () => {
    const joins = planJoins(catalog, users, {
      session: userSessions(5).session!,
      account: {
        modelKey: "account",
        on: { from: "id", to: "userId" },
        relation: "one-to-many",
        limit: 5,
      },
    });

    expect(joins.map((join) => [join.key, join.alias])).toEqual([
      ["session", "join_0"],
      ["account", "join_1"],
    ]);
  });
});
