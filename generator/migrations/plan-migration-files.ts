import type { BetterAuthOptions } from "better-auth";

import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import { CodegenError } from "../codegen-error.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";
import { renderDdl } from "../ddl/render-ddl.js";
import { GENERATED_MARK } from "../outputs/output-kind.js";
import { attributeCauses, pluginOrigins } from "./attribute-causes.js";
import {
  isGeneratedMigration,
  migrationFileNames,
  migrationSlug,
  nextMigrationNumber,
} from "./migration-files.js";
import { migrationRefusedError } from "./migration-problem.js";
import { planMigration, withoutRefusedStatements } from "./plan-migration.js";
import {
  parseSnapshot,
  renderSnapshot,
  SNAPSHOT_FILE,
} from "./schema-snapshot.js";

export interface MigrationFilesInput {
  /** The schema the auth options describe now. */
  readonly manifest: SchemaManifest;
  /** Every file now in the migrations folder: name to text. */
  readonly existing: ReadonlyMap<string, string>;
  /** Better Auth's options, to name the plugin behind each statement. */
  readonly auth?: BetterAuthOptions | undefined;
  /**
   * The changes additive DDL refuses are made by the newest migration,
   * written by hand: plan only the other additions, in a file after it,
   * and record the schema as migrated.
   */
  readonly accept?: boolean | undefined;
  /** The folder as messages should name it, e.g. `sql/migrations`. */
  readonly migrationsDir?: string | undefined;
  /** The input named in each generated file's first line. */
  readonly source?: string | undefined;
}

export interface MigrationFiles {
  /**
   * The whole folder after this run: the existing files unchanged, the new
   * migration if any, and the updated snapshot. Writing all of it is safe;
   * comparing all of it is what `--check` needs.
   */
  readonly files: ReadonlyMap<string, string>;
  /** The new migration's file name, or null when nothing changed. */
  readonly added: string | null;
}

/**
 * Plans the migrations folder from the committed snapshot and the current
 * manifest, without a database: the next `NNNN_<slug>.sql` with the additive
 * DDL (the first one is `0001_init.sql`), plus the new snapshot. The same
 * input always gives the same files.
 *
 * @throws {CodegenError} listing every change additive DDL cannot apply
 * safely (unless `accept` and the newest migration is hand-written), or
 * naming a snapshot or file name the planner cannot read.
 */
export function planMigrationFiles(input: MigrationFilesInput): MigrationFiles {
  const dir = input.migrationsDir ?? "sql/migrations";
  const names = migrationFileNames(input.existing.keys());
  const previous = readSnapshot(input.existing, names, dir);

  const plan = planMigration(previous, input.manifest);
  if (plan.problems.length > 0) {
    if (input.accept !== true) throw migrationRefusedError(plan.problems, dir);
    checkAcceptable(input.existing, names, dir);
  }
  const planned = withoutRefusedStatements(plan);

  const files = new Map(input.existing);
  const notice = generatedNotice(input.source);
  files.set(SNAPSHOT_FILE, renderSnapshot(input.manifest, notice));
  if (planned.length === 0) return { files, added: null };

  const statements = input.auth
    ? attributeCauses(planned, pluginOrigins(input.auth))
    : planned;
  const slug = previous === null ? "init" : migrationSlug(statements);
  const added = `${nextMigrationNumber(names)}_${slug}.sql`;
  files.set(added, renderMigration(statements, notice));
  return { files, added };
}

function readSnapshot(
  existing: ReadonlyMap<string, string>,
  names: readonly string[],
  dir: string,
): SchemaManifest | null {
  const text = existing.get(SNAPSHOT_FILE);
  if (text !== undefined) return parseSnapshot(text, `${dir}/${SNAPSHOT_FILE}`);

  // Without the snapshot the generator would plan every table again, and
  // the new file would fail on a database where the old ones ran.
  const generated = names.filter((name) =>
    isGeneratedMigration(existing.get(name)!),
  );
  if (generated.length > 0) {
    throw new CodegenError(
      `${dir} holds generated migrations (${generated.join(", ")}) but no ${SNAPSHOT_FILE}; restore it from version control.`,
    );
  }
  return null;
}

/**
 * Accepting refused changes is sound only when a person wrote the migration
 * that makes them, after everything the generator wrote; otherwise the
 * snapshot would claim a schema no migration creates.
 */
function checkAcceptable(
  existing: ReadonlyMap<string, string>,
  names: readonly string[],
  dir: string,
): void {
  const newest = names.at(-1);
  if (newest === undefined || isGeneratedMigration(existing.get(newest)!)) {
    throw new CodegenError(
      `--accept-migration needs a hand-written migration in ${dir} after the newest generated one (${newest ?? "none yet"}) that makes the refused changes.`,
    );
  }
}

/** What every generated file's first line says. */
function generatedNotice(source = "auth-codegen.config.ts"): string {
  return `${GENERATED_MARK} from ${source}. Do not edit.`;
}

function renderMigration(
  statements: readonly DdlStatement[],
  notice: string,
): string {
  return [
    `-- ${notice}`,
    "-- The runner applies it once, in one transaction, and refuses to go on",
    "-- if its text changes after that (it records a sha256 checksum).",
    "",
    renderDdl(statements),
  ].join("\n");
}
