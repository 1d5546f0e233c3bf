import { join } from "node:path";
import { parseArgs } from "node:util";

import { DatabaseError } from "../../runtime/database-error.js";
import { MigrationError } from "../../runtime/migration-error.js";
import { runMigrations } from "../../runtime/run-migrations.js";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../load-config.js";
import { migrationsOf } from "../migrations/migration-files.js";
import {
  MIGRATIONS_FOLDER,
  readMigrationFolder,
} from "../migrations/read-migration-folder.js";
import type { CliCommand } from "./cli-command.js";
import { connectDatabase } from "./connect-database.js";

const HELP = `Usage: pg-auth-codegen migrate --database-url <url> [options]

Applies the pending files of <sqlDir>/migrations in order, each in its own
transaction, and records them in the pg_auth_codegen_migrations table (in
the config's schema, or the connection's current schema). Runners started
at once apply each file exactly once. Stops at the first failing file,
which is rolled back, and refuses to run when an applied file changed.

Options:
  --database-url <url>   The PostgreSQL server to migrate (required).
  --create-schema        Create the config's schema when it is missing.
  --config <path>        The config file (default: ${DEFAULT_CONFIG_FILE}).
  --help                 Show this help.
`;

/** `pg-auth-codegen migrate`: apply sql/migrations to a database. */
export const migrateCommand: CliCommand = {
  name: "migrate",
  summary: "apply the pending migrations to a database",
  help: HELP,
  run: async (args, output) => {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        "database-url": { type: "string" },
        "create-schema": { type: "boolean" },
        config: { type: "string" },
        help: { type: "boolean" },
      },
    });
    if (values.help === true) {
      output.log(HELP);
      return 0;
    }

    const loaded = await loadConfig(values.config ?? DEFAULT_CONFIG_FILE);
    const folder = join(loaded.rootDir, loaded.sqlDir, MIGRATIONS_FOLDER);
    const migrations = migrationsOf(readMigrationFolder(folder));

    const client = await connectDatabase(values["database-url"], "migrate");
    try {
      const { applied } = await runMigrations(client, migrations, {
        schema: loaded.config.schema,
        createSchema: values["create-schema"] === true,
      });
      applied.forEach((name) => output.log(`applied  ${name}`));
      output.log(
        applied.length === 0
          ? `The database is up to date (${countOf(migrations.length, "migration")}).`
          : `Applied ${applied.length} of ${countOf(migrations.length, "migration")}.`,
      );
      return 0;
    } catch (error) {
      if (!(
        error instanceof MigrationError || error instanceof DatabaseError
      )) {
        throw error;
      }
      output.error(`error: ${error.message}`);
      return 1;
    } finally {
      await client.end();
    }
  },
};

/** `1 migration`, `2 migrations`. */
function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
