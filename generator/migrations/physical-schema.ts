import type {
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";

/**
 * What a database holds, reduced to what the additive planner compares:
 * tables by qualified name, their columns, index names, foreign keys and
 * check names. It comes either from the committed snapshot (what earlier
 * migrations created) or from introspecting a live database, so one planner
 * serves both `generate` and `plan`.
 */
export interface PhysicalSchema {
  /** Keyed by the manifest's `qualifiedName` (`"internal"."users"`). */
  readonly tables: ReadonlyMap<string, PhysicalTable>;
}

export interface PhysicalTable {
  readonly qualifiedName: string;
  readonly columns: ReadonlyMap<string, PhysicalColumn>;
  readonly indexes: ReadonlySet<string>;
  readonly foreignKeys: readonly PhysicalForeignKey[];
  readonly checks: ReadonlySet<string>;
  /**
   * True when an enabled BEFORE INSERT row trigger may fill columns the
   * insert leaves out; never for a table planned from a snapshot.
   */
  readonly insertTrigger: boolean;
}

export interface PhysicalColumn {
  readonly column: string;
  /**
   * The type as our DDL spells it (from a snapshot) or as
   * `pg_catalog.format_type` prints it (from a live database).
   */
  readonly pgType: string;
  /** `pg_type.typname` (`int8`, `_text`) for live columns; null otherwise. */
  readonly typeName: string | null;
  readonly nullable: boolean;
  /** True when an insert that leaves the column out still fills it. */
  readonly hasDefault: boolean;
}

export interface PhysicalForeignKey {
  readonly column: string;
  /** The referenced table's qualified name. */
  readonly targetTable: string;
  readonly targetColumn: string;
  /** Lower case, as in the manifest: `cascade`, `set null`... */
  readonly onDelete: string;
}

/** The physical picture of a manifest: what its DDL creates. */
export function physicalSchemaOf(manifest: SchemaManifest): PhysicalSchema {
  const tables = managedTables(manifest).map((table) =>
    physicalTableOf(manifest, table),
  );
  return {
    tables: new Map(tables.map((table) => [table.qualifiedName, table])),
  };
}

/** Tables whose DDL we own: Better Auth's `disableMigrations` opts out. */
export function managedTables(manifest: SchemaManifest): TableManifest[] {
  return manifest.tables.filter((table) => !table.disableMigrations);
}

function physicalTableOf(
  manifest: SchemaManifest,
  table: TableManifest,
): PhysicalTable {
  return {
    qualifiedName: table.qualifiedName,
    columns: new Map(
      table.columns.map((column) => [
        column.column,
        {
          column: column.column,
          pgType: column.pgType,
          typeName: null,
          nullable: column.nullable,
          hasDefault: column.defaultSql !== null,
        },
      ]),
    ),
    indexes: new Set(table.indexes.map((index) => index.name)),
    foreignKeys: table.columns.flatMap((column) => {
      const target = resolveReference(manifest, table, column.column);
      return target === null ? [] : [target];
    }),
    checks: new Set(table.checks.map((check) => check.name)),
    insertTrigger: false,
  };
}

/** The foreign key a manifest column declares, in physical terms. */
export function resolveReference(
  manifest: SchemaManifest,
  table: TableManifest,
  columnName: string,
): PhysicalForeignKey | null {
  const column = table.columns.find(
    (candidate) => candidate.column === columnName,
  );
  const reference = column?.references ?? null;
  if (column === undefined || reference === null) return null;

  const target = manifest.tables.find(
    (candidate) => candidate.model === reference.model,
  );
  const targetColumn = target?.columns.find(
    (candidate) => candidate.field === reference.field,
  );
  if (target === undefined || targetColumn === undefined) return null;

  return {
    column: column.column,
    targetTable: target.qualifiedName,
    targetColumn: targetColumn.column,
    onDelete: reference.onDelete,
  };
}
