import { join } from "node:path";

import type pg from "pg";

import { baselineMigrations } from "../../runtime/baseline-migrations.js";
import { DatabaseError } from "../../runtime/database-error.js";
import { MigrationError } from "../../runtime/migration-error.js";
import {
  runMigrations,
  type Migration,
  type MigrationOptions,
} from "../../runtime/run-migrations.js";
import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import {
  DEFAULT_CONFIG_FILE,
  defaultConfigFile,
  loadConfig,
} from "../load-config.js";
import { baselineSchema, checkBaseline } from "../migrations/check-baseline.js";
import { migrationsOf } from "../migrations/migration-files.js";
import {
  MIGRATIONS_FOLDER,
  readMigrationFolder,
} from "../migrations/read-migration-folder.js";
import { defineCommand, type CliOutput } from "./cli-command.js";
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
  --baseline             Adopt a database that already has the schema
                         (made by Better Auth's own migrations, say) and
                         no journal: record every file as applied without
                         running it. Refused unless plan finds the
                         database matching the schema the files create
                         (<sqlDir>/migrations/snapshot.json).
  --config <path>        The config file (default: ${DEFAULT_CONFIG_FILE}, or .mts).
  --help                 Show this help.
`;

/** `pg-auth-codegen migrate`: apply sql/migrations to a database. */
export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "apply the pending migrations to a database",
  help: HELP,
  options: {
    "database-url": { type: "string" },
    "create-schema": { type: "boolean" },
    baseline: { type: "boolean" },
    config: { type: "string" },
  },
  run: async (values, output) => {
    const loaded = await loadConfig(values.config ?? defaultConfigFile());
    const dir = `${loaded.sqlDir}/${MIGRATIONS_FOLDER}`;
    const files = readMigrationFolder(join(loaded.rootDir, dir));
    const migrations = migrationsOf(files);
    const baseline =
      values.baseline === true ? baselineSchema(files, dir) : null;
    const options = {
      schema: loaded.config.schema,
      createSchema: values["create-schema"] === true,
    };

    const client = await connectDatabase(values["database-url"], "migrate");
    try {
      if (baseline !== null) {
        return await runBaseline(client, migrations, options, {
          manifest: baseline,
          dir,
          output,
        });
      }
      const { applied } = await runMigrations(client, migrations, options);
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
      if (baseline === null && alreadyExists(error)) {
        output.error(BASELINE_HINT);
      }
      return 1;
    } finally {
      await client.end();
    }
  },
});

const BASELINE_HINT =
  "If the database got its auth tables before its first migrate (from Better Auth's own migrations, say), adopt it with migrate --baseline; see migrate --help.";

/**
 * A table or column the migration creates is already there (SQLSTATE
 * 42P07, 42701): the typical first run on a database set up another way.
 */
function alreadyExists(error: MigrationError | DatabaseError): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return code === "42P07" || code === "42701";
}

async function runBaseline(
  client: pg.Client,
  migrations: readonly Migration[],
  options: MigrationOptions,
  baseline: { manifest: SchemaManifest; dir: string; output: CliOutput },
): Promise<number> {
  const { recorded } = await baselineMigrations(client, migrations, {
    ...options,
    verify: (executor) =>
      checkBaseline(executor, baseline.manifest, baseline.dir),
  });

  recorded.forEach((name) => baseline.output.log(`recorded  ${name}`));
  const one = recorded.length === 1;
  baseline.output.log(
    `Recorded ${countOf(recorded.length, "migration")} as applied without running ${one ? "it" : "them"}: the database already has the schema ${one ? "it creates" : "they create"}.`,
  );
  return 0;
}

/** `1 migration`, `2 migrations`. */
function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
