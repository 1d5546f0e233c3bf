import pg from "pg";

import { createTestDatabase } from "../support/test-database.js";
import { runBetterAuthSuites } from "./run-better-auth-suites.js";

// Better Auth's conformance suites on one pg.Client: transactions take the
// connection's gate instead of a pooled client.
const database = await createTestDatabase("suites_client");
const client = new pg.Client({ connectionString: database.url });
await client.connect();
await runBetterAuthSuites(client, async () => {
  await client.end();
  await database.drop();
});
