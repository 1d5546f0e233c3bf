import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  applySchema,
  pgAuthAdapter,
  type PgAuthAdapterOptions,
} from "../../generator/index.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import type { LoggedStatement } from "./adapter-fixture.js";

const SECRET_EMAIL = "secret-person@x.test";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("debug_logs");
  await applySchema(database.pool, {});
});

afterAll(async () => {
  await database.drop();
});

/** Creates and reads back one user, returning what was logged. */
async function logsOf(
  debugLogs: PgAuthAdapterOptions["debugLogs"],
  options: BetterAuthOptions = {},
) {
  const events: LoggedStatement[] = [];
  const adapter = pgAuthAdapter(database.pool, {
    debugLogs,
    logger: (event) => events.push(event),
  })(options);
  await adapter.deleteMany({ model: "user", where: [] });
  await adapter.create({
    model: "user",
    data: { name: "Secret", email: SECRET_EMAIL },
  });
  await adapter.findOne({
    model: "user",
    where: [{ field: "email", value: SECRET_EMAIL, mode: "insensitive" }],
  });
  return events;
}

describe("debugLogs", () => {
  it("logs each statement's method, name and SQL without values", async () => {
    const events = await logsOf(true);

    expect(events.map((event) => [event.method, event.name])).toEqual([
      ["deleteMany", "deleteMany user"],
      ["create", "create user"],
      ["findOne", "findOne user"],
    ]);
    expect(events[1]!.sql).toMatch(/^INSERT INTO "user" /);
    expect(JSON.stringify(events)).not.toContain("secret-person");
  });

  it("logs only the methods an object enables", async () => {
    const events = await logsOf({ findOne: true });

    expect(events.map((event) => event.method)).toEqual(["findOne"]);
  });

  it("logs nothing when off", async () => {
    expect(await logsOf(false)).toEqual([]);
  });

  it("writes to Better Auth's logger when given no logger", async () => {
    const lines: string[] = [];
    const adapter = pgAuthAdapter(database.pool, { debugLogs: true })({
      logger: { log: (_level, message) => lines.push(message) },
    });

    await adapter.count({
      model: "user",
      where: [{ field: "email", value: SECRET_EMAIL }],
    });

    expect(lines).toEqual([
      '[pg-auth-codegen] count user: SELECT count(*) AS "count" FROM "user" WHERE "email" = $1',
    ]);
  });
});
