import { quoteTableName } from "../../runtime/quote-identifier.js";
import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import type { SqlExecutor } from "../../runtime/sql-connection.js";
import { CodegenError } from "../codegen-error.js";
import {
  managedTables,
  type PhysicalColumn,
  type PhysicalForeignKey,
  type PhysicalSchema,
  type PhysicalTable,
} from "./physical-schema.js";

/** Where a manifest table lives in this database. */
interface TableLocation {
  readonly schema: string;
  readonly table: string;
  /** The manifest's qualified name: the key the planner compares by. */
  readonly key: string;
}

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type: string;
  typeName: string;
  nullable: boolean;
  hasDefault: boolean;
}

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: "f" | "c";
  column: string | null;
  targetSchema: string | null;
  targetTable: string | null;
  targetColumn: string | null;
  onDelete: string | null;
}

const ON_DELETE: Record<string, string> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

/**
 * Reads what the database holds for the manifest's tables from pg_catalog.
 * A table without a schema in the manifest is looked up in the session's
 * `current_schema()`, the schema its unqualified DDL created it in; the
 * search path itself is never parsed.
 *
 * @throws {CodegenError} when a table needs the current schema and the
 * connection has none.
 */
export async function introspectSchema(
  executor: SqlExecutor,
  manifest: SchemaManifest,
): Promise<PhysicalSchema> {
  const locations = await locateTables(executor, manifest);
  const schemas = [...new Set(locations.map((location) => location.schema))];
  const keyOf = (schema: string, table: string): string =>
    locations.find(
      (location) => location.schema === schema && location.table === table,
    )?.key ?? quoteTableName(schema, table);

  // One after another: on a single pg.Client, concurrent queries would
  // pipeline, which pg 8 deprecates.
  const tables = await readTables(executor, schemas);
  const columns = await readColumns(executor, schemas);
  const indexes = await readIndexes(executor, schemas);
  const constraints = await readConstraints(executor, schemas);
  const triggers = await readInsertTriggers(executor, schemas);

  const found = locations
    .filter((location) =>
      tables.some(
        (row) => row.schema === location.schema && row.table === location.table,
      ),
    )
    .map((location): PhysicalTable => {
      const mine = <Row extends { schema: string; table: string }>(
        rows: readonly Row[],
      ) =>
        rows.filter(
          (row) =>
            row.schema === location.schema && row.table === location.table,
        );
      return {
        qualifiedName: location.key,
        columns: new Map(
          mine(columns).map((row) => [row.column, toColumn(row)]),
        ),
        indexes: new Set(mine(indexes).map((row) => row.index)),
        foreignKeys: mine(constraints).flatMap((row) =>
          toForeignKey(row, keyOf),
        ),
        checks: new Set(
          mine(constraints)
            .filter((row) => row.type === "c")
            .map((row) => row.name),
        ),
        insertTrigger: mine(triggers).length > 0,
      };
    });

  return {
    tables: new Map(found.map((table) => [table.qualifiedName, table])),
  };
}

async function locateTables(
  executor: SqlExecutor,
  manifest: SchemaManifest,
): Promise<TableLocation[]> {
  const tables = managedTables(manifest);
  const current = tables.some((table) => table.schema === null)
    ? await currentSchema(executor)
    : null;

  return tables.map((table) => ({
    schema: table.schema ?? current!,
    table: table.table,
    key: table.qualifiedName,
  }));
}

async function currentSchema(executor: SqlExecutor): Promise<string> {
  const { rows } = await executor.query<{ schema: string | null }>(
    "SELECT pg_catalog.current_schema() AS schema",
    [],
    "plan.currentSchema",
  );
  const schema = rows[0]?.schema ?? null;
  if (schema === null) {
    throw new CodegenError(
      "The database connection has no current schema (search_path names no existing schema), so tables without a schema cannot be located; set `schema` in the config.",
      "schema",
    );
  }
  return schema;
}

async function readTables(executor: SqlExecutor, schemas: string[]) {
  const { rows } = await executor.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS "schema", c.relname AS "table"
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')`,
    [schemas],
    "plan.readTables",
  );
  return rows;
}

async function readColumns(executor: SqlExecutor, schemas: string[]) {
  const { rows } = await executor.query<ColumnRow>(
    `SELECT n.nspname AS "schema", c.relname AS "table", a.attname AS "column",
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS "type",
            t.typname AS "typeName", NOT a.attnotnull AS "nullable",
            (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '')
              AS "hasDefault"
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schemas],
    "plan.readColumns",
  );
  return rows;
}

async function readIndexes(executor: SqlExecutor, schemas: string[]) {
  const { rows } = await executor.query<{
    schema: string;
    table: string;
    index: string;
  }>(
    `SELECT n.nspname AS "schema", t.relname AS "table", i.relname AS "index"
       FROM pg_catalog.pg_index x
       JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
       JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = ANY($1::text[])`,
    [schemas],
    "plan.readIndexes",
  );
  return rows;
}

/**
 * Tables with an enabled BEFORE INSERT row trigger (`tgtype` bits: 1 row,
 * 2 before, 4 insert), which may fill a column an insert leaves out.
 */
async function readInsertTriggers(executor: SqlExecutor, schemas: string[]) {
  const { rows } = await executor.query<{ schema: string; table: string }>(
    `SELECT DISTINCT n.nspname AS "schema", c.relname AS "table"
       FROM pg_catalog.pg_trigger g
       JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND NOT g.tgisinternal
        AND g.tgenabled <> 'D' AND (g.tgtype & 7) = 7`,
    [schemas],
    "plan.readInsertTriggers",
  );
  return rows;
}

/** Checks, and foreign keys over one column (the only kind we create). */
async function readConstraints(executor: SqlExecutor, schemas: string[]) {
  const { rows } = await executor.query<ConstraintRow>(
    `SELECT n.nspname AS "schema", t.relname AS "table", k.conname AS "name",
            k.contype AS "type", a.attname AS "column",
            fn.nspname AS "targetSchema", ft.relname AS "targetTable",
            fa.attname AS "targetColumn", k.confdeltype AS "onDelete"
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_class t ON t.oid = k.conrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_catalog.pg_attribute a
              ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       LEFT JOIN pg_catalog.pg_class ft ON ft.oid = k.confrelid
       LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = ft.relnamespace
       LEFT JOIN pg_catalog.pg_attribute fa
              ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1]
      WHERE n.nspname = ANY($1::text[])
        AND (k.contype = 'c'
             OR (k.contype = 'f' AND pg_catalog.cardinality(k.conkey) = 1))`,
    [schemas],
    "plan.readConstraints",
  );
  return rows;
}

function toColumn(row: ColumnRow): PhysicalColumn {
  return {
    column: row.column,
    pgType: row.type,
    typeName: row.typeName,
    nullable: row.nullable,
    hasDefault: row.hasDefault,
  };
}

function toForeignKey(
  row: ConstraintRow,
  keyOf: (schema: string, table: string) => string,
): PhysicalForeignKey[] {
  if (
    row.type !== "f" ||
    row.column === null ||
    row.targetSchema === null ||
    row.targetTable === null ||
    row.targetColumn === null
  ) {
    return [];
  }
  return [
    {
      column: row.column,
      targetTable: keyOf(row.targetSchema, row.targetTable),
      targetColumn: row.targetColumn,
      onDelete: ON_DELETE[row.onDelete ?? "a"] ?? "no action",
    },
  ];
}
