import { runBetterAuthSuites } from "../adapter/run-better-auth-suites.js";
import {
  describeThroughPgBouncer,
  pgbouncerUrl,
  poolThroughPgBouncer,
} from "../support/pgbouncer.js";
import { createTestDatabase } from "../support/test-database.js";

// Better Auth's conformance suites on a pg.Pool whose connections go through
// PgBouncer in transaction pooling mode: consecutive statements of one
// client may land on different server sessions, so nothing may rely on
// session state or named prepared statements.
const bouncerUrl = pgbouncerUrl();
if (bouncerUrl === null) {
  describeThroughPgBouncer("Better Auth's adapter suites", () => {});
} else {
  const database = await createTestDatabase("suites_pgbouncer");
  const pool = poolThroughPgBouncer(bouncerUrl, database.url);
  await runBetterAuthSuites(pool, async () => {
    await pool.end();
    await database.drop();
  });
}
