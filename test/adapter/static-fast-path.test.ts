import type { DBAdapter } from "@better-auth/core/db/adapter";
import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applySchema } from "../../generator/index.js";
import { planStaticQueries } from "../../generator/queries/plan-static-queries.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { createPgAdapter } from "../../runtime/create-pg-adapter.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import type { LoggedStatement } from "./adapter-fixture.js";

type Row = Record<string, unknown>;
type Call = (adapter: DBAdapter<BetterAuthOptions>) => Promise<unknown>;

const auth = {
  user: {
    modelName: "users",
    additionalFields: {
      tags: { type: "string[]", required: false },
      birthday: { type: "date", required: false },
    },
  },
  advanced: { database: { joins: true } },
} as BetterAuthOptions;
const manifest = resolveSchema({ auth });

let database: TestDatabase;
let fast: DBAdapter<BetterAuthOptions>;
let compiled: DBAdapter<BetterAuthOptions>;
const statements: LoggedStatement[] = [];
let user: Row;

beforeAll(async () => {
  database = await createTestDatabase("static_path");
  await applySchema(database.pool, auth);
  const logger = (event: LoggedStatement) => statements.push(event);
  fast = createPgAdapter({
    database: database.pool,
    manifest,
    staticQueries: planStaticQueries(manifest),
    debugLogs: true,
    logger,
  })(auth);
  compiled = createPgAdapter({
    database: database.pool,
    manifest,
    debugLogs: true,
    logger,
  })(auth);

  user = await fast.create<Row, Row>({
    model: "user",
    data: {
      name: "Static",
      email: "static@x.test",
      tags: ["a,b", "NULL"],
      birthday: new Date("2000-02-29T00:00:00Z"),
    },
  });
  for (const token of ["t1", "t2", "t3"]) {
    await fast.create({
      model: "session",
      data: {
        token,
        userId: user.id,
        expiresAt: new Date("2030-01-01T00:00:00Z"),
        updatedAt: new Date(),
      },
    });
  }
});

afterAll(async () => {
  await database.drop();
});

/** Runs the call on both adapters and returns both results and names. */
async function runBoth(call: Call) {
  statements.length = 0;
  const viaStatic = await call(fast);
  const staticNames = statements.map((statement) => statement.name);
  statements.length = 0;
  const viaCompiler = await call(compiled);
  const compiledNames = statements.map((statement) => statement.name);
  return { viaStatic, viaCompiler, staticNames, compiledNames };
}

describe("the static fast path", () => {
  const cases: [string, string, Call][] = [
    [
      "findOne by id",
      "findUserById",
      (adapter) =>
        adapter.findOne({
          model: "user",
          where: [{ field: "id", value: user.id as string }],
        }),
    ],
    [
      "findOne by a unique field",
      "findUserByEmail",
      (adapter) =>
        adapter.findOne({
          model: "user",
          where: [{ field: "email", value: "static@x.test" }],
        }),
    ],
    [
      "findMany by a foreign key",
      "listSessionsByUserId",
      (adapter) =>
        adapter.findMany({
          model: "session",
          where: [{ field: "userId", value: user.id as string }],
          limit: 2,
        }),
    ],
    [
      "count",
      "countSessions",
      (adapter) => adapter.count({ model: "session" }),
    ],
    [
      "findOne of a session with its user",
      "findSessionWithUserByToken",
      (adapter) =>
        adapter.findOne({
          model: "session",
          where: [{ field: "token", value: "t2" }],
          join: { user: true },
        }),
    ],
  ];

  for (const [shape, name, call] of cases) {
    it(`answers ${shape} with ${name} exactly as the compiler does`, async () => {
      const result = await runBoth(call);

      expect(result.staticNames).toEqual([name]);
      expect(result.compiledNames).not.toContain(name);
      expect(result.viaStatic).toEqual(result.viaCompiler);
      expect(result.viaStatic).not.toBeNull();
    });
  }

  it("returns the same missing row as the compiler", async () => {
    const result = await runBoth((adapter) =>
      adapter.findOne({
        model: "session",
        where: [{ field: "token", value: "missing" }],
        join: { user: true },
      }),
    );

    expect(result.staticNames).toEqual(["findSessionWithUserByToken"]);
    expect(result.viaStatic).toBeNull();
    expect(result.viaCompiler).toBeNull();
  });

  it("leaves insensitive lookups to the compiler", async () => {
    const result = await runBoth((adapter) =>
      adapter.findOne({
        model: "user",
        where: [
          { field: "email", value: "STATIC@x.test", mode: "insensitive" },
        ],
      }),
    );

    expect(result.staticNames).toEqual(["findOne users"]);
    expect(result.viaStatic).toEqual(result.viaCompiler);
  });

  it("leaves calls with an offset to the compiler", async () => {
    const result = await runBoth((adapter) =>
      adapter.findMany({
        model: "session",
        where: [{ field: "userId", value: user.id as string }],
        offset: 1,
      }),
    );

    expect(result.staticNames).toEqual(["findMany session"]);
    expect(result.viaStatic).toEqual(result.viaCompiler);
  });
});
