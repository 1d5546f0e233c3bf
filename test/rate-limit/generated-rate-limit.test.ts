import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { pgRateLimitStore } from "../../generated/rate-limit.js";
import { manifest } from "../../generated/schema.js";
import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const JAN_1_2026 = 1767268800000;

/** The committed `generated/rate-limit.ts`, on this repository's own schema. */
describe("the generated pgRateLimitStore", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("generated_rate_limit");
    await database.pool.query(renderDdl(planSchemaDdl(manifest)));
  });

  afterAll(async () => {
    await database.drop();
  });

  it("counts and refuses in the generated manifest's rateLimit table", async () => {
    const store = pgRateLimitStore(database.pool, {
      onError: "throw",
      now: () => JAN_1_2026,
    });

    const first = await store.consume("generated", { window: 10, max: 1 });
    const second = await store.consume("generated", { window: 10, max: 1 });

    expect(first).toEqual({
      allowed: true,
      retryAfter: null,
      count: 1,
      lastRequest: JAN_1_2026,
    });
    expect(second).toMatchObject({ allowed: false, retryAfter: 10 });
    const { rows } = await database.pool.query(
      `SELECT "count", "lastRequest" FROM "rateLimit" WHERE "key" = 'generated'`,
    );
    expect(rows).toEqual([{ count: 1, lastRequest: "1767268800000" }]);
  });
});
