import type {
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import type { DdlStatement } from "./ddl-statement.js";

/**
 * The DDL that creates the whole schema on an empty database: schemas, then
 * tables in dependency order, then foreign keys, indexes and checks. Foreign
 * keys come after every table so that cycles between models still apply.
 *
 * Tables with Better Auth's `disableMigrations` are left out, but foreign
 * keys pointing at them are kept: the app owns those tables.
 */
export function planSchemaDdl(
  manifest: SchemaManifest,
  options: { createSchemas: boolean } = { createSchemas: true },
): DdlStatement[] {
  const tables = manifest.tables.filter((table) => !table.disableMigrations);
  const schemas = [...new Set(tables.map((table) => table.schema))].filter(
    (schema): schema is string => schema !== null,
  );

  return [
    ...(options.createSchemas
      ? schemas.map((schema): DdlStatement => ({
          kind: "createSchema",
          schema,
          cause: `schema "${schema}" holds the auth tables`,
        }))
      : []),
    ...tables.map((table): DdlStatement => ({
      kind: "createTable",
      table,
      cause: `model "${table.model}"`,
    })),
    ...tables.flatMap((table) => planTableExtras(manifest, table)),
  ];
}

/** Foreign keys and indexes of one table, as statements of their own. */
export function planTableExtras(
  manifest: SchemaManifest,
  table: TableManifest,
): DdlStatement[] {
  const foreignKeys = table.columns.flatMap((column): DdlStatement[] => {
    if (column.references === null) return [];
    const target = manifest.tables.find(
      (candidate) => candidate.model === column.references!.model,
    )!;
    return [
      {
        kind: "addForeignKey",
        table,
        column,
        target,
        cause: `${table.model}.${column.field} references ${target.model}.${column.references.field}`,
      },
    ];
  });

  const indexes = table.indexes.map((index): DdlStatement => ({
    kind: "createIndex",
    table,
    index,
    cause: `${index.unique ? "unique " : ""}index on ${table.model} (${index.columns.join(", ")})`,
  }));

  return [...foreignKeys, ...indexes];
}
