import { preparedScope } from "../../runtime/prepared-statements.js";
import {
  createAdapterFactory,
  type DBAdapter,
} from "@better-auth/core/db/adapter";
import type { BetterAuthOptions } from "better-auth";
import { username } from "better-auth/plugins";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { applySchema } from "../../generator/index.js";
import { planStaticQueries } from "../../generator/queries/plan-static-queries.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import { createAdapterMethods } from "../../runtime/create-adapter-methods.js";
import { createPgAdapter } from "../../runtime/create-pg-adapter.js";
import { connectionFor } from "../../runtime/sql-connection.js";
import { schemaCatalogFor } from "../../runtime/schema-catalog.js";
import { StatementCache } from "../../runtime/statement-cache.js";
import { StaticQueryIndex } from "../../runtime/static-query-index.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

// Our adapter implements Better Auth's DBAdapter itself instead of going
// through `createAdapterFactory`. Here the same calls run through both, each
// on its own database with the same schema and the same clock, and must
// return the same rows and throw the same errors: the factory is the
// reference for every input and output transform.

type Row = Record<string, unknown>;
type Adapter = DBAdapter<BetterAuthOptions>;

interface Scenario {
  readonly name: string;
  readonly auth: BetterAuthOptions;
  readonly usePlural?: boolean;
  /** An id `forceAllowId` must keep (or, for uuids, may refuse). */
  readonly forcedIds: readonly string[];
}

const mappedAndTransformed: BetterAuthOptions = {
  logger: { level: "error" },
  // Its username fields have synchronous transforms; nickname's are async.
  plugins: [username()],
  user: {
    modelName: "members",
    fields: { name: "full_name" },
    additionalFields: {
      nickname: {
        type: "string",
        required: false,
        fieldName: "nick_name",
        transform: {
          input: async (value) =>
            typeof value === "string" ? value.trim() : value,
          output: async (value) =>
            typeof value === "string" ? `~${value}` : value,
        },
      },
      loginCount: { type: "number", required: false, defaultValue: 0 },
      plan: { type: "string", required: false, defaultValue: () => "free" },
      tags: { type: "string[]", required: false },
      prefs: { type: "json", required: false },
      seenAt: { type: "date", required: false, onUpdate: () => new Date() },
    },
  },
  session: { fields: { userId: "user_id" } },
};

const scenarios: readonly Scenario[] = [
  {
    name: "string ids, mapped names, transforms, fallback joins",
    auth: mappedAndTransformed,
    forcedIds: ["forced-id-1"],
  },
  {
    name: "string ids, native joins",
    auth: {
      ...mappedAndTransformed,
      advanced: { database: { joins: true } },
    },
    forcedIds: ["forced-id-1"],
  },
  {
    name: "serial ids, native joins",
    auth: {
      logger: { level: "error" },
      advanced: { database: { generateId: "serial", joins: true } },
    },
    forcedIds: ["77", "junk"],
  },
  {
    name: "serial ids, fallback joins",
    auth: {
      logger: { level: "error" },
      advanced: { database: { generateId: "serial" } },
    },
    forcedIds: ["77"],
  },
  {
    name: "uuid ids",
    auth: {
      logger: { level: "error" },
      advanced: { database: { generateId: "uuid", joins: true } },
    },
    forcedIds: ["5f0c3b2e-8f6a-4c1d-9e2b-7a3d4c5b6e7f", "not-a-uuid"],
  },
  {
    name: "ids from a function, plural tables",
    auth: {
      logger: { level: "error" },
      advanced: {
        database: { generateId: ({ model }) => `${model}-${nextId()}` },
      },
    },
    usePlural: true,
    forcedIds: ["forced-2"],
  },
];

let generated = 0;
const nextId = () => (generated += 1);

describe.each(scenarios)("$name", (scenario) => {
  let databases: TestDatabase[] = [];
  let ours: Adapter;
  let factory: Adapter;

  beforeAll(async () => {
    databases = await Promise.all([
      createTestDatabase("parity_ours"),
      createTestDatabase("parity_factory"),
    ]);
    const schemaOptions = { usePlural: scenario.usePlural };
    for (const database of databases) {
      await applySchema(database.pool, scenario.auth, schemaOptions);
    }
    const manifest = resolveSchema({
      auth: scenario.auth,
      usePlural: scenario.usePlural,
    });
    const staticQueries = planStaticQueries(manifest);
    ours = createPgAdapter({
      database: databases[0]!.pool,
      manifest,
      staticQueries,
    })(scenario.auth);
    factory = factoryAdapter(databases[1]!, manifest, staticQueries, scenario);
  });

  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it("returns what Better Auth's adapter factory returns", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const steps = script(scenario);
      const oursSeen = new Map<string, string>();
      const factorySeen = new Map<string, string>();
      for (const [index, [label, step]] of steps.entries()) {
        vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, index));
        generated = 1000 * index;
        const mine = normalise(await outcome(() => step(ours)), oursSeen);
        vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, index));
        generated = 1000 * index;
        const theirs = normalise(
          await outcome(() => step(factory)),
          factorySeen,
        );
        expect({ label, result: mine }).toEqual({ label, result: theirs });
        // A step that fails on both sides would compare nothing.
        if (!label.endsWith("throws")) {
          expect({ label, result: theirs }).not.toHaveProperty("result.error");
        }
      }
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});

/**
 * The reference: Better Auth's factory around the same engine our adapter
 * uses, configured as our adapter describes itself.
 */
function factoryAdapter(
  database: TestDatabase,
  manifest: ReturnType<typeof resolveSchema>,
  staticQueries: ReturnType<typeof planStaticQueries>,
  scenario: Scenario,
): Adapter {
  const catalog = schemaCatalogFor(manifest);
  const connection = connectionFor(database.pool);
  const methods = createAdapterMethods({
    catalog,
    executor: connection,
    staticQueries: new StaticQueryIndex(catalog, staticQueries),
    statements: new StatementCache(),
    preparedScope: preparedScope(manifest),
    log: null,
  });
  const build = (transaction: false | ((run: never) => Promise<unknown>)) =>
    createAdapterFactory({
      config: {
        adapterId: "pg-auth-codegen",
        usePlural: scenario.usePlural ?? false,
        supportsJSON: true,
        supportsDates: true,
        supportsBooleans: true,
        supportsArrays: true,
        supportsUUIDs: true,
        supportsNumericIds: true,
        transaction: transaction as never,
      },
      adapter: () => methods,
    })(scenario.auth);

  // Statements of the adapter handed to a transaction callback route to
  // the open transaction through the shared connection.
  const inTransaction = build(false);
  return build(((callback: (adapter: Adapter) => Promise<unknown>) =>
    connection.transaction(() => callback(inTransaction))) as never);
}

type Step = readonly [string, (adapter: Adapter) => Promise<unknown>];

/** The calls, in order; later calls read what earlier ones wrote. */
function script(scenario: Scenario): Step[] {
  const state = new Map<Adapter, Row>();
  const user = (adapter: Adapter) => state.get(adapter)!;
  const findUser = (adapter: Adapter, email: string) =>
    adapter.findOne<Row>({
      model: "user",
      where: [{ field: "email", value: email }],
    });

  return [
    [
      "create a user with every kind of field",
      async (adapter) => {
        const created = await adapter.create<Row, Row>({
          model: "user",
          data: {
            name: "Ann",
            email: "ann@x.test",
            emailVerified: false,
            username: "Ann_1",
            nickname: "  ann ",
            tags: ["x", "y"],
            prefs: { theme: "dark" },
          },
        });
        state.set(adapter, created);
        return created;
      },
    ],
    [
      "create ignores an id without forceAllowId",
      (adapter) =>
        adapter.create({
          model: "user",
          data: { id: "ignored", name: "Bo", email: "bo@x.test" } as Row,
        }),
    ],
    ...scenario.forcedIds.map((id, index): Step => [
      `create keeps or refuses the forced id ${id}`,
      (adapter) =>
        adapter.create({
          model: "user",
          data: { id, name: "Cy", email: `cy${index}@x.test` } as Row,
          forceAllowId: true,
        }),
    ]),
    [
      "create returns only the selected fields",
      (adapter) =>
        adapter.create({
          model: "user",
          data: { name: "Di", email: "di@x.test", emailVerified: true },
          select: ["email", "emailVerified"],
        }),
    ],
    ["findOne by email", (adapter) => findUser(adapter, "ann@x.test")],
    [
      "findOne by a column name, case-insensitively",
      (adapter) =>
        adapter.findOne({
          model: "user",
          where: [
            {
              field: scenario.auth.user?.fields?.name ?? "name",
              value: "ANN",
              mode: "insensitive",
            },
          ],
        }),
    ],
    [
      "findOne with select and a join adds the join's field",
      async (adapter) => {
        const select = ["email"];
        const found = await adapter.findOne({
          model: "user",
          where: [{ field: "id", value: user(adapter).id as string }],
          select,
          join: { account: true },
        });
        return { found, select };
      },
    ],
    [
      "create sessions",
      async (adapter) => {
        const sessions = [];
        for (const token of ["t1", "t2", "t3"]) {
          sessions.push(
            await adapter.create({
              model: "session",
              data: {
                token,
                userId: user(adapter).id,
                expiresAt: new Date(Date.now() + 3_600_000),
                createdAt: new Date(),
                updatedAt: new Date(),
                ipAddress: "198.51.100.7",
              },
            }),
          );
        }
        return sessions;
      },
    ],
    [
      "findOne a session with its user",
      (adapter) =>
        adapter.findOne({
          model: "session",
          where: [{ field: "token", value: "t1" }],
          join: { user: true },
        }),
    ],
    [
      "findOne with a join switched off",
      (adapter) =>
        adapter.findOne({
          model: "session",
          where: [{ field: "token", value: "t1" }],
          join: { user: false },
        }),
    ],
    [
      "findMany sorted, paged",
      (adapter) =>
        adapter.findMany({
          model: "session",
          where: [{ field: "userId", value: user(adapter).id as string }],
          sortBy: { field: "token", direction: "desc" },
          limit: 2,
          offset: 1,
        }),
    ],
    [
      "findMany users with their sessions",
      async (adapter) => {
        const users = await adapter.findMany<Row>({
          model: "user",
          where: [{ field: "email", value: "ann@x.test" }],
          join: { session: true },
        });
        // Joined rows come in primary-key order, and these keys are random.
        return users.map((found) => ({
          ...found,
          session: (found.session as Row[]).sort((a, b) =>
            String(a.token).localeCompare(String(b.token)),
          ),
        }));
      },
    ],
    [
      "findMany users with a limited join",
      async (adapter) => {
        const users = await adapter.findMany<Row>({
          model: "user",
          where: [{ field: "email", value: "ann@x.test" }],
          join: { session: { limit: 2 } },
        });
        return users.map((found) => (found.session as Row[]).length);
      },
    ],
    [
      "findMany with select returns every field",
      (adapter) =>
        adapter.findMany({
          model: "user",
          select: ["email"],
          sortBy: { field: "email", direction: "asc" },
        }),
    ],
    [
      "where coerces string booleans and numbers",
      (adapter) =>
        adapter.findMany({
          model: "user",
          where: [
            { field: "emailVerified", value: "false" },
            ...(scenario.auth.user?.additionalFields
              ? [{ field: "loginCount", value: "0" }]
              : []),
          ],
          sortBy: { field: "email", direction: "asc" },
        }),
    ],
    [
      "where with in, not_in, patterns and OR",
      (adapter) =>
        adapter.findMany({
          model: "user",
          where: [
            {
              field: "email",
              operator: "in",
              value: ["ann@x.test", "bo@x.test"],
            },
            { field: "email", operator: "not_in", value: ["bo@x.test"] },
            {
              field: "name",
              operator: "starts_with",
              value: "A",
              connector: "OR",
            },
            {
              field: "name",
              operator: "contains",
              value: "n",
              connector: "OR",
            },
          ],
        }),
    ],
    [
      "where on the id and a reference",
      (adapter) =>
        adapter.findMany({
          model: "session",
          where: [
            { field: "userId", value: String(user(adapter).id) },
            { field: "token", operator: "ne", value: "t3" },
          ],
          sortBy: { field: "token", direction: "asc" },
        }),
    ],
    ["count all users", (adapter) => adapter.count({ model: "user" })],
    [
      "count with a filter",
      (adapter) =>
        adapter.count({
          model: "session",
          where: [{ field: "token", operator: "in", value: ["t1", "t2"] }],
        }),
    ],
    [
      "update applies onUpdate",
      (adapter) =>
        adapter.update({
          model: "user",
          where: [{ field: "email", value: "ann@x.test" }],
          update: { name: "Ann Two", nickname: " annie " },
        }),
    ],
    [
      "update without where returns null",
      (adapter) =>
        adapter.update({ model: "user", where: [], update: { name: "x" } }),
    ],
    [
      "update of nothing reads the row",
      (adapter) =>
        adapter.update({
          model: "session",
          where: [{ field: "token", value: "t2" }],
          update: { unknownField: 1 },
        }),
    ],
    [
      "updateMany counts",
      (adapter) =>
        adapter.updateMany({
          model: "user",
          where: [{ field: "emailVerified", value: false }],
          update: { emailVerified: true },
        }),
    ],
    ...(scenario.auth.user?.additionalFields
      ? [
          [
            "incrementOne with an empty set",
            (adapter: Adapter) =>
              adapter.incrementOne({
                model: "user",
                where: [{ field: "email", value: "ann@x.test" }],
                increment: { loginCount: 2 },
                set: {},
              }),
          ] as Step,
        ]
      : []),
    [
      "incrementOne with only a set",
      (adapter) =>
        adapter.incrementOne({
          model: "user",
          where: [{ field: "email", value: "ann@x.test" }],
          increment: {},
          set: { name: "Ann Three" },
        }),
    ],
    [
      "incrementOne with nothing throws",
      (adapter) =>
        adapter.incrementOne({
          model: "user",
          where: [{ field: "email", value: "ann@x.test" }],
          increment: {},
        }),
    ],
    [
      "consumeOne returns the row once",
      async (adapter) => {
        const where = [{ field: "token", value: "t2" }];
        return [
          await adapter.consumeOne({ model: "session", where }),
          await adapter.consumeOne({ model: "session", where }),
        ];
      },
    ],
    [
      "delete and deleteMany",
      async (adapter) => {
        await adapter.delete({
          model: "session",
          where: [{ field: "token", value: "t3" }],
        });
        return adapter.deleteMany({
          model: "session",
          where: [{ field: "token", operator: "starts_with", value: "t" }],
        });
      },
    ],
    [
      "a transaction sees its own writes",
      (adapter) =>
        adapter.transaction(async (trx) => {
          await trx.create({
            model: "verification",
            data: {
              identifier: "reset",
              value: "v",
              expiresAt: new Date(Date.now() + 60_000),
            },
          });
          return trx.findMany({
            model: "verification",
            where: [{ field: "identifier", value: "reset" }],
          });
        }),
    ],
    [
      "the model name and plural name work too",
      (adapter) =>
        adapter.count({
          model: `${scenario.auth.user?.modelName ?? "user"}${scenario.usePlural ? "s" : ""}`,
        }),
    ],
    [
      "an unknown model throws",
      (adapter) => adapter.findOne({ model: "nope", where: [] }),
    ],
    [
      "an unknown field throws",
      (adapter) =>
        adapter.findOne({
          model: "user",
          where: [{ field: "nope", value: "x" }],
        }),
    ],
    [
      "in without an array throws",
      (adapter) =>
        adapter.findOne({
          model: "user",
          where: [{ field: "email", operator: "in", value: "x" }],
        }),
    ],
  ];
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: { name, message } };
  }
}

const GENERATED_ID =
  /^(?:[A-Za-z0-9]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * Ids the database or Better Auth made at random are replaced by the order
 * in which each run first saw them; everything else is kept as is.
 */
function normalise(value: unknown, seen: Map<string, string>): unknown {
  if (typeof value === "string" && GENERATED_ID.test(value)) {
    if (!seen.has(value)) seen.set(value, `<id ${seen.size + 1}>`);
    return seen.get(value);
  }
  if (Array.isArray(value)) return value.map((item) => normalise(item, seen));
  if (value instanceof Date) return value;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, normalise(item, seen)]),
    );
  }
  return value;
}
