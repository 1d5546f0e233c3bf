import { afterAll, beforeAll, expect, it } from "vitest";

import {
  describeThroughPgBouncer,
  throughPgBouncer,
} from "../support/pgbouncer.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import { withClient } from "../support/with-client.js";

// Proves that the other PgBouncer tests test what they claim: the bouncer
// they reach pools by transaction, so session state set by one client is
// seen by the next client that borrows the same server session.
describeThroughPgBouncer("the test PgBouncer", (bouncerUrl) => {
  let database: TestDatabase;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase("pgbouncer_pooling");
    url = throughPgBouncer(bouncerUrl, database.url);
  });

  afterAll(async () => {
    await database.drop();
  });

  it("reaches a database created on the server after it started", async () => {
    const name = await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT current_database() AS name");
      return rows[0].name as string;
    });

    expect(name).toBe(database.name);
  });

  it("hands one server session to successive clients (transaction pooling)", async () => {
    // A fresh database has at most one idle server session, so the second
    // client gets the session the first one changed.
    await withClient(url, (client) =>
      client.query("SET statement_timeout = '4321ms'"),
    );

    const timeout = await withClient(url, async (client) => {
      const { rows } = await client.query("SHOW statement_timeout");
      return rows[0].statement_timeout as string;
    });

    expect(timeout).toBe("4321ms");
  });
});
