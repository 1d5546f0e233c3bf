import type {
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";
import { planTableExtras } from "../ddl/plan-schema-ddl.js";
import {
  managedTables,
  type PhysicalSchema,
  type PhysicalTable,
} from "./physical-schema.js";

/**
 * The additive DDL that takes `current` to `desired`: new tables, new
 * columns, then the foreign keys, indexes and checks still missing. Nothing
 * is ever dropped or altered here; what additive DDL cannot express is found
 * by the conflict checks, not by this function.
 *
 * New tables come first and foreign keys after every table and column, so a
 * new column may reference a new table regardless of model order.
 */
export function planAdditions(
  current: PhysicalSchema,
  desired: SchemaManifest,
): DdlStatement[] {
  const tables = managedTables(desired);

  const createTables = tables
    .filter((table) => !current.tables.has(table.qualifiedName))
    .map((table): DdlStatement => ({
      kind: "createTable",
      table,
      cause: `model "${table.model}"`,
    }));

  const addColumns = tables.flatMap((table) =>
    planNewColumns(table, current.tables.get(table.qualifiedName)),
  );

  const extras = tables.flatMap((table) => {
    const existing = current.tables.get(table.qualifiedName);
    return [
      ...planTableExtras(desired, table).filter((statement) =>
        isMissing(statement, existing),
      ),
      ...planNewChecks(table, existing),
    ];
  });

  return [...createTables, ...addColumns, ...extras];
}

function planNewColumns(
  table: TableManifest,
  existing: PhysicalTable | undefined,
): DdlStatement[] {
  if (existing === undefined) return [];

  return table.columns
    .filter((column) => !existing.columns.has(column.column))
    .map((column) => ({
      kind: "addColumn",
      table,
      column,
      cause: `field "${table.model}.${column.field}"`,
    }));
}

/** A new table carries its checks inline; an existing one gets them added. */
function planNewChecks(
  table: TableManifest,
  existing: PhysicalTable | undefined,
): DdlStatement[] {
  if (existing === undefined) return [];

  return table.checks
    .filter((check) => !existing.checks.has(check.name))
    .map((check) => ({
      kind: "addCheck",
      table,
      check,
      cause: `check "${check.name}" on model "${table.model}"`,
    }));
}

/**
 * Foreign keys are matched by column rather than by constraint name, so a
 * key a team created under another name is not added twice; whether it
 * points at the right table is the conflict checks' business.
 */
function isMissing(
  statement: DdlStatement,
  existing: PhysicalTable | undefined,
): boolean {
  if (existing === undefined) return true;

  switch (statement.kind) {
    case "addForeignKey":
      return !existing.foreignKeys.some(
        (key) => key.column === statement.column.column,
      );
    case "createIndex":
      return !existing.indexes.has(statement.index.name);
    default:
      return true;
  }
}
