import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  numberIdTestSuite,
  testAdapter,
  transactionsTestSuite,
  uuidTestSuite,
} from "@better-auth/test-utils/adapter";

import { applySchema, pgAuthAdapter } from "../../generator/index.js";
import type { PgDatabase } from "../../runtime/sql-connection.js";

/**
 * Runs Better Auth 1.7's own adapter suites (normal, transactions,
 * auth-flow, number-id, joins, uuid, case-insensitive) against the adapter
 * the programmatic entry builds on `database`. Each migration drops the
 * test database's tables and applies our DDL for the options the suite
 * asks for.
 */
export async function runBetterAuthSuites(
  database: PgDatabase,
  finish: () => Promise<void>,
): Promise<void> {
  const { execute } = await testAdapter({
    adapter: () => pgAuthAdapter(database),
    runMigrations: async (options) => {
      await database.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      await applySchema(database, options);
    },
    tests: [
      normalTestSuite(),
      transactionsTestSuite(),
      authFlowTestSuite(),
      numberIdTestSuite(),
      joinsTestSuite(),
      uuidTestSuite(),
      caseInsensitiveTestSuite(),
    ],
    onFinish: finish,
  });
  execute();
}
