import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applySchema, pgAuthAdapter } from "../../generator/index.js";
import type { PreparedStatementsSetting } from "../../runtime/prepared-statements.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import { withClient } from "../support/with-client.js";

// The package root's adapter passes `preparedStatements` on like the
// generated one: each single client below is its own connection layer.
describe("preparedStatements on the package root's pgAuthAdapter", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("prepared_option");
    await applySchema(database.pool, {});
  });

  afterAll(async () => {
    await database.drop();
  });

  async function preparedAfterOneRead(
    setting: PreparedStatementsSetting | undefined,
  ): Promise<number> {
    return withClient(database.url, async (client: pg.Client) => {
      const adapter = pgAuthAdapter(client, {
        preparedStatements: setting,
      })({});
      await adapter.findOne({
        model: "user",
        where: [{ field: "email", value: "nobody@example.com" }],
      });
      const { rows } = await client.query(
        "SELECT count(*)::int AS count FROM pg_prepared_statements",
      );
      return rows[0].count as number;
    });
  }

  it("names the statement by default on a direct connection", async () => {
    expect(await preparedAfterOneRead(undefined)).toBe(1);
  });

  it("leaves it unnamed with preparedStatements: false", async () => {
    expect(await preparedAfterOneRead(false)).toBe(0);
  });

  it("refuses a misspelt setting when called, before Better Auth builds it", () => {
    expect(() =>
      pgAuthAdapter(database.pool, {
        preparedStatements: "yes" as unknown as PreparedStatementsSetting,
      }),
    ).toThrow(
      new TypeError('preparedStatements must be "auto", true or false.'),
    );
  });
});
