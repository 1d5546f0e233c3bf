import type { CleanedWhere } from "@better-auth/core/db/adapter";
import type { BetterAuthOptions } from "better-auth";
import { preparedScope } from "../../runtime/prepared-statements.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { applySchema } from "../../generator/index.js";
import { planStaticQueries } from "../../generator/queries/plan-static-queries.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  createAdapterMethods,
  type AdapterEngine,
} from "../../runtime/create-adapter-methods.js";
import { connectionFor } from "../../runtime/sql-connection.js";
import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import { schemaCatalogFor } from "../../runtime/schema-catalog.js";
import {
  StatementCache,
  type CachedStatement,
} from "../../runtime/statement-cache.js";
import { StaticQueryIndex } from "../../runtime/static-query-index.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

type Row = Record<string, unknown>;

/** Counts the calls that found their statement in the cache. */
class CountingCache extends StatementCache {
  hits = 0;

  override get<Shape>(key: string): CachedStatement<Shape> | undefined {
    const found = super.get<Shape>(key);
    if (found !== undefined) this.hits += 1;
    return found;
  }
}

const auth = {
  user: {
    additionalFields: { credits: { type: "number", required: false } },
  },
} as BetterAuthOptions;
const manifest = resolveSchema({ auth });

let database: TestDatabase;
let engine: AdapterEngine;
let cache: CountingCache;
const sent: string[] = [];

function clause(
  field: string,
  value: CleanedWhere["value"],
  extra: Partial<CleanedWhere> = {},
): CleanedWhere {
  return {
    field,
    value,
    operator: "eq",
    connector: "AND",
    mode: "sensitive",
    ...extra,
  };
}

async function emails(where: CleanedWhere[]) {
  const rows = await engine.findMany<Row>({
    model: "user",
    where,
    limit: 10,
    sortBy: { field: "email", direction: "asc" },
  });
  return rows.map((row) => row.email);
}

beforeAll(async () => {
  database = await createTestDatabase("statement_cache");
  await applySchema(database.pool, auth);
  await database.pool.query(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "credits") VALUES
       ('u1', 'Ann', 'ann@x.test', true, NULL, now(), now(), 1),
       ('u2', 'Bo', 'bo@x.test', false, 'bo.png', now(), now(), 2),
       ('u3', 'Cy', 'cy@x.test', false, NULL, now(), now(), 3)`,
  );
  await database.pool.query(
    `INSERT INTO "session" ("id", "token", "userId", "expiresAt", "createdAt", "updatedAt") VALUES
       ('s1', 't1', 'u1', now() + interval '1 day', now(), now()),
       ('s2', 't2', 'u2', now() + interval '1 day', now(), now())`,
  );
});

beforeEach(() => {
  const catalog = schemaCatalogFor(manifest);
  cache = new CountingCache();
  sent.length = 0;
  engine = createAdapterMethods({
    catalog,
    executor: connectionFor(database.pool),
    staticQueries: new StaticQueryIndex(catalog, planStaticQueries(manifest)),
    statements: cache,
    preparedScope: preparedScope(manifest),
    log: ({ sql }) => sent.push(sql),
  });
});

afterAll(async () => {
  await database.drop();
});

describe("StatementCache", () => {
  it("binds each call's own values to a statement cached for its shape", async () => {
    expect(await emails([clause("name", "Ann")])).toEqual(["ann@x.test"]);
    expect(await emails([clause("name", "Bo")])).toEqual(["bo@x.test"]);

    expect(cache.hits).toBe(1);
    expect(sent[1]).toBe(sent[0]);
  });

  it("reuses a static query with the values in the query's order", async () => {
    const read = (token: string) =>
      engine.findOne<Row>({
        model: "session",
        where: [clause("token", token)],
        join: {
          user: {
            modelKey: "user",
            on: { from: "userId", to: "id" },
            relation: "one-to-one",
            limit: 1,
          },
        },
      });

    const first = await read("t1");
    const second = await read("t2");

    expect(cache.hits).toBe(1);
    expect([first?.id, (first?.user as Row).email]).toEqual([
      "s1",
      "ann@x.test",
    ]);
    expect([second?.id, (second?.user as Row).email]).toEqual([
      "s2",
      "bo@x.test",
    ]);
  });

  it("compiles a null comparison afresh instead of reusing an equality", async () => {
    expect(await emails([clause("image", "bo.png")])).toEqual(["bo@x.test"]);
    expect(await emails([clause("image", null)])).toEqual([
      "ann@x.test",
      "cy@x.test",
    ]);

    expect(cache.hits).toBe(0);
  });

  it("tells a disjunction from a conjunction over the same columns", async () => {
    const or = { connector: "OR" } as const;

    expect(
      await emails([clause("name", "Ann"), clause("emailVerified", false)]),
    ).toEqual([]);
    expect(
      await emails([
        clause("name", "Ann", or),
        clause("emailVerified", false, or),
      ]),
    ).toEqual(["ann@x.test", "bo@x.test", "cy@x.test"]);
    expect(cache.hits).toBe(0);
  });

  it("tells a case-insensitive comparison from a sensitive one", async () => {
    expect(await emails([clause("name", "ann")])).toEqual([]);
    expect(
      await emails([clause("name", "ann", { mode: "insensitive" })]),
    ).toEqual(["ann@x.test"]);
    expect(cache.hits).toBe(0);
  });

  it("binds update values and where values in their own places", async () => {
    const rename = (email: string, name: string) =>
      engine.update<Row>({
        model: "user",
        where: [clause("email", email)],
        update: { name },
      });

    await rename("ann@x.test", "Ann 2");
    await rename("bo@x.test", "Bo 2");

    expect(cache.hits).toBe(1);
    const { rows } = await database.pool.query(
      `SELECT "email", "name" FROM "user" ORDER BY "email"`,
    );
    expect(rows.map((row) => row.name)).toEqual(["Ann 2", "Bo 2", "Cy"]);
  });

  it("checks an increment's delta on every call, cached or not", async () => {
    const add = (delta: number) =>
      engine.incrementOne<Row>({
        model: "user",
        where: [clause("email", "cy@x.test")],
        increment: { credits: delta },
      });

    expect((await add(2))?.credits).toBe(5);
    await expect(add(Number.NaN)).rejects.toThrow(InvalidQueryError);
    expect((await add(-1))?.credits).toBe(4);
    expect(cache.hits).toBe(1);
  });
});
