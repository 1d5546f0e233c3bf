import type {
  ColumnManifest,
  SchemaManifest,
} from "../../runtime/schema-manifest.js";
import { requiredExtraColumns } from "./find-schema-mismatches.js";
import {
  managedTables,
  type PhysicalColumn,
  type PhysicalSchema,
} from "./physical-schema.js";

/**
 * Something about a live column worth knowing that the app can live with:
 * `plan` prints it without changing its exit code.
 */
export interface SchemaNote {
  /** The manifest's qualified table name. */
  readonly table: string;
  readonly column: string;
  /** One sentence naming table and column. */
  readonly message: string;
}

/** `character varying(255)`, optionally an array of it. */
const LIMITED_VARCHAR = /^character varying\((\d+)\)(\[\])?$/;

/**
 * Notes on the manifest's live tables: a `varchar(n)` column where the
 * schema has text (accepted, but values over n characters are refused),
 * and an extra NOT NULL column without a default on a table whose BEFORE
 * INSERT trigger may be what fills it.
 */
export function findSchemaNotes(
  live: PhysicalSchema,
  desired: SchemaManifest,
): SchemaNote[] {
  return managedTables(desired).flatMap((table) => {
    const existing = live.tables.get(table.qualifiedName);
    if (existing === undefined) return [];

    const limited = table.columns.flatMap((column) => {
      const actual = existing.columns.get(column.column);
      return actual === undefined
        ? []
        : lengthLimit(table.qualifiedName, column, actual);
    });
    const triggerFilled = existing.insertTrigger
      ? requiredExtraColumns(table, existing).map((column) => ({
          table: table.qualifiedName,
          column: column.column,
          message: `table ${table.qualifiedName}, column "${column.column}" is not in the schema and is NOT NULL without a default; a BEFORE INSERT trigger on the table must fill it, or every row Better Auth inserts fails.`,
        }))
      : [];
    return [...limited, ...triggerFilled];
  });
}

function lengthLimit(
  table: string,
  column: ColumnManifest,
  actual: PhysicalColumn,
): SchemaNote[] {
  const limit = LIMITED_VARCHAR.exec(actual.pgType);
  const expected = limit?.[2] === undefined ? "text" : "text[]";
  if (limit === null || column.pgType !== expected) return [];

  const values = limit[2] === undefined ? "values" : "elements";
  return [
    {
      table,
      column: column.column,
      message: `table ${table}, column "${column.column}" is ${actual.pgType} where the schema has ${expected}: ${values} longer than ${limit[1]} characters are refused.`,
    },
  ];
}
