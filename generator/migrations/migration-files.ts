import {
  compareMigrationNames,
  type Migration,
} from "../../runtime/run-migrations.js";
import { CodegenError } from "../codegen-error.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";
import { GENERATED_MARK } from "../outputs/output-kind.js";

/**
 * `NNNN_<slug>.sql`: the number orders the files, the slug is for people.
 * Hand-written migrations follow the same pattern.
 */
const MIGRATION_FILE = /^(\d{4,})_[A-Za-z0-9_.-]+\.sql$/;

/** How the first line of every migration the generator writes begins. */
const GENERATED_MIGRATION_START = `-- ${GENERATED_MARK}`;

const SLUG_SUBJECTS = 3;
const SLUG_MAX_LENGTH = 60;

/**
 * The migration files among a folder's file names, in the order they apply.
 *
 * @throws {CodegenError} for a `.sql` file whose name has no sequence
 * number: neither the generator nor the runner could place it.
 */
export function migrationFileNames(names: Iterable<string>): string[] {
  const files: string[] = [];
  for (const name of names) {
    if (MIGRATION_FILE.test(name)) {
      files.push(name);
    } else if (name.endsWith(".sql")) {
      throw new CodegenError(
        `Migration file "${name}" is not named NNNN_<slug>.sql, so its place in the order is unknown; rename it with the next free number.`,
      );
    }
  }
  return files.sort(compareMigrationNames);
}

/**
 * The migrations a folder holds, in order, as the runner takes them: what
 * `migrate` applies and what `generated/migrate.ts` embeds.
 */
export function migrationsOf(files: ReadonlyMap<string, string>): Migration[] {
  return migrationFileNames(files.keys()).map((name) => ({
    name,
    sql: files.get(name)!,
  }));
}

/** The next sequence number, zero-padded to four digits. */
export function nextMigrationNumber(files: readonly string[]): string {
  const highest = files.reduce(
    (max, name) => Math.max(max, Number(MIGRATION_FILE.exec(name)![1])),
    0,
  );
  return String(highest + 1).padStart(4, "0");
}

/** True when the generator wrote the file (rather than a person). */
export function isGeneratedMigration(text: string): boolean {
  return text.startsWith(GENERATED_MIGRATION_START);
}

/**
 * A short snake_case description of a migration: the new tables, else the
 * new columns, else the new indexes and constraints, e.g.
 * `add_organization_member_invitation_and_2_more`.
 */
export function migrationSlug(statements: readonly DdlStatement[]): string {
  const subjects = slugSubjects(statements);
  const shown = subjects.slice(0, SLUG_SUBJECTS).map(snakeCase);
  const more = subjects.length - shown.length;
  const slug = ["add", ...shown, ...(more > 0 ? [`and_${more}_more`] : [])]
    .join("_")
    .replace(/_+/g, "_");
  return slug.length <= SLUG_MAX_LENGTH
    ? slug
    : slug.slice(0, SLUG_MAX_LENGTH).replace(/_[^_]*$/, "");
}

function slugSubjects(statements: readonly DdlStatement[]): string[] {
  const tables = statements.flatMap((statement) =>
    statement.kind === "createTable" ? [statement.table.table] : [],
  );
  if (tables.length > 0) return tables;

  const columns = statements.flatMap((statement) =>
    statement.kind === "addColumn"
      ? [`${statement.table.table}_${statement.column.column}`]
      : [],
  );
  if (columns.length > 0) return columns;

  return statements.flatMap((statement) => {
    switch (statement.kind) {
      case "createIndex":
        return [statement.index.name];
      case "addForeignKey":
        return [`${statement.table.table}_${statement.column.column}_fkey`];
      case "addCheck":
        return [statement.check.name];
      default:
        return [];
    }
  });
}

function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}
