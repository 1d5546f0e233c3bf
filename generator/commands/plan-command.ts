import { SqlConnection } from "../../runtime/sql-connection.js";
import {
  DEFAULT_CONFIG_FILE,
  defaultConfigFile,
  loadConfig,
} from "../load-config.js";
import {
  planDatabase,
  renderDatabasePlan,
} from "../migrations/plan-database.js";
import { resolveSchema } from "../schema/resolve-schema.js";
import { defineCommand } from "./cli-command.js";
import { connectDatabase } from "./connect-database.js";

const HELP = `Usage: pg-auth-codegen plan --database-url <url> [options]

Compares a live database with the schema the config describes, reading
pg_catalog only: prints the additive DDL still needed and every column
whose type or nullability differs, naming table, column, expected and
actual. It never alters anything.

Exit code: 0 in sync, 1 when only additive DDL is pending, 2 when a person
must act (a mismatch, or an addition existing rows would refuse), 3 when
plan could not run (a bad flag or config, a refused connection).

Options:
  --database-url <url>   The PostgreSQL server to compare (required).
  --config <path>        The config file (default: ${DEFAULT_CONFIG_FILE}, or .mts).
  --help                 Show this help.
`;

/** `pg-auth-codegen plan`: what a live database still needs. */
export const planCommand = defineCommand({
  name: "plan",
  summary: "compare a live database with the schema (exit 0, 1, 2 or 3)",
  help: HELP,
  // 1 already means "additive DDL pending": a CI gate must not read a
  // refused connection as that.
  errorExitCode: 3,
  options: {
    "database-url": { type: "string" },
    config: { type: "string" },
  },
  run: async (values, output) => {
    const { config } = await loadConfig(values.config ?? defaultConfigFile());
    const manifest = resolveSchema({
      auth: config.auth,
      schema: config.schema,
      usePlural: config.usePlural,
    });

    const client = await connectDatabase(values["database-url"], "plan");
    try {
      const plan = await planDatabase(new SqlConnection(client), manifest, {
        auth: config.auth,
      });
      output.log(renderDatabasePlan(plan).trimEnd());
      return plan.exitCode;
    } finally {
      await client.end();
    }
  },
});
