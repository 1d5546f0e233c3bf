import type { BetterAuthDBSchema } from "@better-auth/core/db";

import type { SchemaCatalog } from "./schema-catalog.js";

/**
 * The options Better Auth runs with describe a table or column the manifest
 * lacks: the auth options changed after `npm run generate`.
 */
export class SchemaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaMismatchError";
  }
}

/**
 * Checks that every model and field Better Auth resolved from its options
 * has the same table and column in the manifest, so a stale generated
 * manifest fails when the adapter is built instead of on some later query.
 *
 * @throws {SchemaMismatchError} naming the first model or field that
 * differs.
 */
export function checkManifestCovers(
  catalog: SchemaCatalog,
  schema: BetterAuthDBSchema,
): void {
  for (const [model, table] of Object.entries(schema)) {
    const manifestTable = catalog.find(model);
    if (manifestTable === null) {
      throw new SchemaMismatchError(
        `Better Auth uses model "${model}", which the schema manifest lacks; run the generator again after changing the auth options.`,
      );
    }

    for (const [field, attribute] of Object.entries(table.fields)) {
      const column = attribute.fieldName ?? field;
      const manifestColumn = manifestTable.manifest.columns.find(
        (candidate) => candidate.field === field,
      );
      if (manifestColumn?.column !== column) {
        throw new SchemaMismatchError(
          `Better Auth stores field "${model}.${field}" in column "${column}", which the schema manifest lacks; run the generator again after changing the auth options.`,
        );
      }
    }
  }
}
