import { createTestDatabase } from "../support/test-database.js";
import { runBetterAuthSuites } from "./run-better-auth-suites.js";

// Better Auth's conformance suites on a pg.Pool.
const database = await createTestDatabase("suites_pool");
await runBetterAuthSuites(database.pool, () => database.drop());
