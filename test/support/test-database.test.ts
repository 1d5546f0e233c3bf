import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "./test-database.js";

describe("createTestDatabase", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("support");
  });

  afterAll(async () => {
    await database.drop();
  });

  it("gives each test file a writable database of its own", async () => {
    await database.pool.query("CREATE TABLE probe (id integer)");
    await database.pool.query("INSERT INTO probe VALUES (1), (2)");

    const { rows } = await database.pool.query(
      "SELECT current_database() AS name, count(*)::int AS rows FROM probe",
    );
    expect(rows).toEqual([{ name: database.name, rows: 2 }]);
  });
});
