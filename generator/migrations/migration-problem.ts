import { CodegenError } from "../codegen-error.js";

/**
 * A change between the last migrated schema and the desired one that
 * additive DDL cannot apply safely. `table` is the qualified, quoted name
 * (`"internal"."users"`) and `column` the physical column name.
 */
export type MigrationProblem =
  | { kind: "removedTable"; table: string }
  | { kind: "removedColumn"; table: string; column: string }
  | {
      kind: "changedType";
      table: string;
      column: string;
      before: string;
      after: string;
    }
  | { kind: "tightenedNullability"; table: string; column: string }
  | {
      kind: "changedDefault";
      table: string;
      column: string;
      before: string | null;
      after: string | null;
    }
  | {
      kind: "changedForeignKey";
      table: string;
      column: string;
      before: string | null;
      after: string | null;
    }
  | { kind: "removedIndex"; table: string; index: string }
  | { kind: "changedCheck"; table: string; check: string }
  | {
      kind: "requiredWithoutDefault";
      table: string;
      column: string;
      field: string;
    }
  | {
      kind: "uniqueWithStaticDefault";
      table: string;
      column: string;
      field: string;
      index: string;
    }
  | {
      kind: "tightenedUnique";
      table: string;
      columns: readonly string[];
      index: string;
    };

/** One sentence per problem, naming the table and column. */
export function describeMigrationProblem(problem: MigrationProblem): string {
  switch (problem.kind) {
    case "removedTable":
      return `Table ${problem.table} is no longer in the schema; dropping it would delete its rows.`;
    case "removedColumn":
      return `Column "${problem.column}" of table ${problem.table} is no longer in the schema; dropping it would delete its values.`;
    case "changedType":
      return `Column "${problem.column}" of table ${problem.table} changes type from ${problem.before} to ${problem.after}; existing values need a conversion.`;
    case "tightenedNullability":
      return `Column "${problem.column}" of table ${problem.table} becomes required (NOT NULL); existing rows may hold nulls.`;
    case "changedDefault":
      return `Column "${problem.column}" of table ${problem.table} changes its default from ${problem.before ?? "none"} to ${problem.after ?? "none"}.`;
    case "changedForeignKey":
      return `Column "${problem.column}" of table ${problem.table} changes its foreign key from ${problem.before ?? "none"} to ${problem.after ?? "none"}.`;
    case "removedIndex":
      return `Index "${problem.index}" on table ${problem.table} is no longer in the schema.`;
    case "changedCheck":
      return `Check "${problem.check}" on table ${problem.table} is removed or changed.`;
    case "requiredWithoutDefault":
      return `New column "${problem.column}" of table ${problem.table} (field "${problem.field}") is required and has no default, so existing rows have no value for it.`;
    case "uniqueWithStaticDefault":
      return `New column "${problem.column}" of table ${problem.table} (field "${problem.field}") is unique and has a default, so existing rows would all get the same value and unique index "${problem.index}" would fail.`;
    case "tightenedUnique":
      return `New unique index "${problem.index}" on table ${problem.table} covers existing columns (${problem.columns.map((column) => `"${column}"`).join(", ")}), which may already hold duplicates.`;
  }
}

/**
 * The error `generate` stops with: every problem on a line of its own, then
 * what the team does next. Nothing has been written when it is thrown.
 */
export function migrationRefusedError(
  problems: readonly MigrationProblem[],
  migrationsDir: string,
): CodegenError {
  const lines = problems.map(
    (problem) => `  - ${describeMigrationProblem(problem)}`,
  );
  return new CodegenError(
    [
      `The auth options change the database in ${problems.length === 1 ? "a way" : "ways"} an additive migration cannot apply safely:`,
      ...lines,
      `Write a migration by hand in ${migrationsDir} that makes ${problems.length === 1 ? "this change" : "these changes"}, then run generate with --accept-migration to record it (see "Migrations" in the README).`,
    ].join("\n"),
  );
}
