import type {
  ColumnManifest,
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import {
  managedTables,
  type PhysicalColumn,
  type PhysicalSchema,
  type PhysicalTable,
} from "./physical-schema.js";

/**
 * A column the database holds differently from the schema, or an extra
 * column no insert from Better Auth can satisfy.
 */
export interface SchemaMismatch {
  /** The manifest's qualified table name. */
  readonly table: string;
  readonly column: string;
  readonly aspect: "type" | "nullability" | "extra column";
  /** As our DDL would write it: `boolean`, `NOT NULL`. */
  readonly expected: string;
  /** As the database reports it: `integer`, `NULL allowed`. */
  readonly actual: string;
}

/**
 * The `pg_type.typname` values each of our column types may have in a live
 * database. Postgres reports internal names (`int8`, `_text`), not the SQL
 * spellings our DDL uses, so comparing strings would flag the very columns
 * our migrations created. A length on varchar is accepted for text: it only
 * restricts what may be written. A naive `timestamp` is not accepted for
 * timestamptz: node-postgres would read it in the host's time zone.
 */
const ACCEPTED_TYPE_NAMES: Readonly<Record<string, readonly string[]>> = {
  text: ["text", "varchar"],
  integer: ["int4"],
  bigint: ["int8"],
  boolean: ["bool"],
  timestamptz: ["timestamptz"],
  jsonb: ["jsonb"],
  uuid: ["uuid"],
  "text[]": ["_text", "_varchar"],
  "double precision[]": ["_float8"],
  "bigint[]": ["_int8"],
};

/**
 * Compares each manifest column the database already has: its type and
 * whether it accepts NULL. Columns and tables the database lacks are the
 * additive planner's business. Extra columns the database has are ignored,
 * unless they are NOT NULL with nothing to fill them: Better Auth's inserts
 * name only the schema's columns, so every one of them would fail. On a
 * table with a BEFORE INSERT trigger that may fill them, they are notes.
 */
export function findSchemaMismatches(
  live: PhysicalSchema,
  desired: SchemaManifest,
): SchemaMismatch[] {
  return managedTables(desired).flatMap((table) => {
    const existing = live.tables.get(table.qualifiedName);
    if (existing === undefined) return [];

    const differing = table.columns.flatMap((column) => {
      const actual = existing.columns.get(column.column);
      return actual === undefined
        ? []
        : compareColumn(table.qualifiedName, column, actual);
    });
    const blocking = existing.insertTrigger
      ? []
      : requiredExtraColumns(table, existing).map((column): SchemaMismatch => ({
          table: table.qualifiedName,
          column: column.column,
          aspect: "extra column",
          expected: "absent, or NULL allowed, or a default",
          actual: "NOT NULL without a default",
        }));
    return [...differing, ...blocking];
  });
}

/** Live columns the schema lacks that an insert leaving them out fails on. */
export function requiredExtraColumns(
  table: TableManifest,
  existing: PhysicalTable,
): PhysicalColumn[] {
  const known = new Set(table.columns.map((column) => column.column));
  return [...existing.columns.values()].filter(
    (column) =>
      !known.has(column.column) && !column.nullable && !column.hasDefault,
  );
}

function compareColumn(
  table: string,
  column: ColumnManifest,
  actual: PhysicalColumn,
): SchemaMismatch[] {
  const mismatches: SchemaMismatch[] = [];
  if (!typeMatches(column.pgType, actual)) {
    mismatches.push({
      table,
      column: column.column,
      aspect: "type",
      expected: column.pgType,
      actual: actual.pgType,
    });
  }
  if (column.nullable !== actual.nullable) {
    mismatches.push({
      table,
      column: column.column,
      aspect: "nullability",
      expected: column.nullable ? "NULL allowed" : "NOT NULL",
      actual: actual.nullable ? "NULL allowed" : "NOT NULL",
    });
  }
  return mismatches;
}

/** True when a live column can hold what a column of `pgType` holds. */
export function typeMatches(pgType: string, actual: PhysicalColumn): boolean {
  const accepted = ACCEPTED_TYPE_NAMES[pgType];
  if (accepted === undefined || actual.typeName === null) {
    return pgType === actual.pgType;
  }
  return accepted.includes(actual.typeName);
}
