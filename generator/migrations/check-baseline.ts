import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import { MigrationError } from "../../runtime/migration-error.js";
import type { SqlExecutor } from "../../runtime/sql-connection.js";
import { CodegenError } from "../codegen-error.js";
import { migrationFileNames } from "./migration-files.js";
import { planDatabase, renderDatabasePlan } from "./plan-database.js";
import { parseSnapshot, SNAPSHOT_FILE } from "./schema-snapshot.js";

/**
 * The schema a migrations folder creates, for `migrate --baseline` to
 * compare a database with: the committed snapshot, not the config, since
 * the files recorded as applied are what must match.
 *
 * @throws {CodegenError} when the folder holds no migration or no
 * snapshot, or the snapshot cannot be read.
 */
export function baselineSchema(
  files: ReadonlyMap<string, string>,
  dir: string,
): SchemaManifest {
  if (migrationFileNames(files.keys()).length === 0) {
    throw new CodegenError(
      `--baseline found no migrations in ${dir}; run generate first.`,
    );
  }
  const snapshot = files.get(SNAPSHOT_FILE);
  if (snapshot === undefined) {
    throw new CodegenError(
      `--baseline needs ${dir}/${SNAPSHOT_FILE}, the schema the migrations create; run generate first.`,
    );
  }
  return parseSnapshot(snapshot, `${dir}/${SNAPSHOT_FILE}`);
}

/**
 * Refuses a baseline unless `plan` finds the database in sync with the
 * schema (notes allowed): recording a file that never ran hides its
 * changes for good, since the runner will never apply it.
 *
 * @throws {MigrationError} carrying the plan, when anything differs.
 */
export async function checkBaseline(
  executor: SqlExecutor,
  manifest: SchemaManifest,
  dir: string,
): Promise<void> {
  const plan = await planDatabase(executor, manifest);
  if (plan.exitCode === 0) return;

  throw new MigrationError(
    [
      `The database does not match the schema the migrations in ${dir} create, so --baseline recorded nothing:`,
      "",
      renderDatabasePlan(plan).trimEnd(),
      "",
      "Make the database match (plan --database-url <url> lists the same; additive DDL may be applied by hand), then run migrate --baseline again.",
    ].join("\n"),
  );
}
