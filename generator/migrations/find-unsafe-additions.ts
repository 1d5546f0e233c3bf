import type {
  IndexManifest,
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import type { MigrationProblem } from "./migration-problem.js";
import {
  managedTables,
  type PhysicalSchema,
  type PhysicalTable,
} from "./physical-schema.js";

/**
 * Additions that are valid DDL but fail, or half-apply, on a table that
 * already has rows: a required column with nothing to fill existing rows
 * with, and a unique index whose columns existing rows would fill with
 * duplicates. New tables are empty, so only existing tables are checked.
 *
 * A unique index is safe when at least one of its columns is new and has no
 * default: existing rows all get NULL there, and NULLs never collide.
 */
export function findUnsafeAdditions(
  current: PhysicalSchema,
  desired: SchemaManifest,
): MigrationProblem[] {
  return managedTables(desired).flatMap((table) => {
    const existing = current.tables.get(table.qualifiedName);
    if (existing === undefined) return [];

    return [
      ...findRequiredWithoutDefault(table, existing),
      ...table.indexes
        .filter((index) => index.unique && !existing.indexes.has(index.name))
        .flatMap((index) => findUniqueCollisions(table, existing, index)),
    ];
  });
}

function findRequiredWithoutDefault(
  table: TableManifest,
  existing: PhysicalTable,
): MigrationProblem[] {
  return table.columns
    .filter(
      (column) =>
        !existing.columns.has(column.column) &&
        !column.nullable &&
        column.defaultSql === null,
    )
    .map((column) => ({
      kind: "requiredWithoutDefault",
      table: table.qualifiedName,
      column: column.column,
      field: `${table.model}.${column.field}`,
    }));
}

function findUniqueCollisions(
  table: TableManifest,
  existing: PhysicalTable,
  index: IndexManifest,
): MigrationProblem[] {
  const newColumns = table.columns.filter(
    (column) =>
      index.columns.includes(column.column) &&
      !existing.columns.has(column.column),
  );

  if (newColumns.length === 0) {
    return [
      {
        kind: "tightenedUnique",
        table: table.qualifiedName,
        columns: index.columns,
        index: index.name,
      },
    ];
  }
  if (newColumns.some((column) => column.defaultSql === null)) return [];

  return newColumns.map((column) => ({
    kind: "uniqueWithStaticDefault",
    table: table.qualifiedName,
    column: column.column,
    field: `${table.model}.${column.field}`,
    index: index.name,
  }));
}
