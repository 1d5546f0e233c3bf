import type {
  ColumnManifest,
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import type { MigrationProblem } from "./migration-problem.js";
import {
  managedTables,
  resolveReference,
  type PhysicalForeignKey,
} from "./physical-schema.js";

/**
 * Everything the previous schema had that the next one drops or changes:
 * tables, columns, types, nullability, defaults, foreign keys, indexes and
 * checks. Tables and columns are matched by physical name, so renaming a
 * model or field without renaming its table or column is no change at all,
 * and renaming the table or column reads as a removal plus an addition.
 *
 * A table that moves to Better Auth's `disableMigrations` is not a removal:
 * the app takes it over as it stands.
 */
export function findSnapshotConflicts(
  previous: SchemaManifest,
  next: SchemaManifest,
): MigrationProblem[] {
  return managedTables(previous).flatMap((before) => {
    const after = next.tables.find(
      (table) => table.qualifiedName === before.qualifiedName,
    );
    if (after === undefined) {
      return [{ kind: "removedTable", table: before.qualifiedName }];
    }
    if (after.disableMigrations) return [];

    return [
      ...before.columns.flatMap((column) =>
        compareColumn({ previous, next, before, after }, column),
      ),
      ...compareIndexes(before, after),
      ...compareChecks(before, after),
    ];
  });
}

interface TablePair {
  readonly previous: SchemaManifest;
  readonly next: SchemaManifest;
  readonly before: TableManifest;
  readonly after: TableManifest;
}

function compareColumn(
  pair: TablePair,
  column: ColumnManifest,
): MigrationProblem[] {
  const table = pair.before.qualifiedName;
  const changed = pair.after.columns.find(
    (candidate) => candidate.column === column.column,
  );
  if (changed === undefined) {
    return [{ kind: "removedColumn", table, column: column.column }];
  }

  const problems: MigrationProblem[] = [];
  if (changed.pgType !== column.pgType) {
    problems.push({
      kind: "changedType",
      table,
      column: column.column,
      before: column.pgType,
      after: changed.pgType,
    });
  }
  if (column.nullable && !changed.nullable) {
    problems.push({
      kind: "tightenedNullability",
      table,
      column: column.column,
    });
  }
  if (changed.defaultSql !== column.defaultSql) {
    problems.push({
      kind: "changedDefault",
      table,
      column: column.column,
      before: column.defaultSql,
      after: changed.defaultSql,
    });
  }
  return [...problems, ...compareForeignKey(pair, column.column)];
}

/** A new foreign key on an old column is additive; a changed one is not. */
function compareForeignKey(
  pair: TablePair,
  column: string,
): MigrationProblem[] {
  const before = resolveReference(pair.previous, pair.before, column);
  const after = resolveReference(pair.next, pair.after, column);
  if (before === null) return [];
  if (
    after !== null &&
    describeForeignKey(after) === describeForeignKey(before)
  ) {
    return [];
  }

  return [
    {
      kind: "changedForeignKey",
      table: pair.before.qualifiedName,
      column,
      before: describeForeignKey(before),
      after: after === null ? null : describeForeignKey(after),
    },
  ];
}

function describeForeignKey(key: PhysicalForeignKey): string {
  return `${key.targetTable} ("${key.targetColumn}") ON DELETE ${key.onDelete.toUpperCase()}`;
}

function compareIndexes(
  before: TableManifest,
  after: TableManifest,
): MigrationProblem[] {
  const kept = new Set(after.indexes.map((index) => index.name));
  return before.indexes
    .filter((index) => !kept.has(index.name))
    .map((index) => ({
      kind: "removedIndex",
      table: before.qualifiedName,
      index: index.name,
    }));
}

function compareChecks(
  before: TableManifest,
  after: TableManifest,
): MigrationProblem[] {
  return before.checks
    .filter(
      (check) =>
        !after.checks.some(
          (candidate) =>
            candidate.name === check.name &&
            candidate.expression === check.expression,
        ),
    )
    .map((check) => ({
      kind: "changedCheck",
      table: before.qualifiedName,
      check: check.name,
    }));
}
