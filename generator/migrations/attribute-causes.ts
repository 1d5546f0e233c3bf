import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";

import type { TableManifest } from "../../runtime/schema-manifest.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";

/**
 * Where each plugin-contributed model and field comes from: `model` or
 * `model.field` to the plugin's id. Models Better Auth has without any
 * plugin (user, session...) are never attributed as a whole, only the
 * fields a plugin adds to them.
 */
export function pluginOrigins(
  auth: BetterAuthOptions,
): ReadonlyMap<string, string> {
  const coreModels = new Set(
    Object.keys(getAuthTables({ ...auth, plugins: [] })),
  );
  const origins = new Map<string, string>();

  for (const plugin of auth.plugins ?? []) {
    for (const [model, table] of Object.entries(plugin.schema ?? {})) {
      if (!coreModels.has(model) && !origins.has(model)) {
        origins.set(model, plugin.id);
      }
      for (const field of Object.keys(table.fields ?? {})) {
        const key = `${model}.${field}`;
        if (!origins.has(key)) origins.set(key, plugin.id);
      }
    }
  }
  return origins;
}

/**
 * Appends the plugin that asked for each statement to its cause, so the
 * comment above a migration statement says which option to look at.
 */
export function attributeCauses(
  statements: readonly DdlStatement[],
  origins: ReadonlyMap<string, string>,
): DdlStatement[] {
  return statements.map((statement) => {
    const plugin = originOf(statement, origins);
    return plugin === undefined
      ? statement
      : { ...statement, cause: `${statement.cause} (plugin "${plugin}")` };
  });
}

function originOf(
  statement: DdlStatement,
  origins: ReadonlyMap<string, string>,
): string | undefined {
  switch (statement.kind) {
    case "createSchema":
      return undefined;
    case "createTable":
    case "addCheck":
      return origins.get(statement.table.model);
    case "addColumn":
    case "addForeignKey":
      return fieldOrigin(statement.table, statement.column.column, origins);
    case "createIndex":
      return statement.index.columns
        .map((column) => fieldOrigin(statement.table, column, origins))
        .find((plugin) => plugin !== undefined);
  }
}

function fieldOrigin(
  table: TableManifest,
  columnName: string,
  origins: ReadonlyMap<string, string>,
): string | undefined {
  const column = table.columns.find(
    (candidate) => candidate.column === columnName,
  );
  if (column === undefined) return undefined;
  return (
    origins.get(`${table.model}.${column.field}`) ?? origins.get(table.model)
  );
}
