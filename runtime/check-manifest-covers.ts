import type { BetterAuthOptions } from "@better-auth/core";
import type { BetterAuthDBSchema } from "@better-auth/core/db";

import type { SchemaCatalog } from "./schema-catalog.js";
import type { FieldKind, IdStrategy } from "./schema-manifest.js";

/**
 * The options Better Auth runs with describe a schema other than the one the
 * manifest was generated from: the auth options changed after
 * `npm run generate`.
 */
export class SchemaMismatchError extends Error {
  constructor(message: string) {
    super(
      `${message} Run the generator again after changing the auth options.`,
    );
    this.name = "SchemaMismatchError";
  }
}

/**
 * Checks that Better Auth's options describe the schema the manifest was
 * generated from: the same id strategy, and for every model and field the
 * same table, column, type and nullability. A stale generated manifest then
 * fails when the adapter is built, instead of writing to the wrong table or
 * failing on some later insert.
 *
 * @throws {SchemaMismatchError} naming the first difference.
 */
export function checkManifestCovers(
  catalog: SchemaCatalog,
  schema: BetterAuthDBSchema,
  options: BetterAuthOptions,
  usePlural: boolean,
): void {
  checkIdStrategy(catalog, options);

  for (const [model, table] of Object.entries(schema)) {
    const manifestTable = catalog.find(model);
    if (manifestTable === null) {
      throw new SchemaMismatchError(
        `Better Auth uses model "${model}", which the schema manifest lacks.`,
      );
    }

    const modelName = usePlural ? `${table.modelName}s` : table.modelName;
    if (manifestTable.manifest.modelName !== modelName) {
      throw new SchemaMismatchError(
        `Better Auth names model "${model}" "${modelName}", but the schema manifest has "${manifestTable.manifest.modelName}".`,
      );
    }

    for (const [field, attribute] of Object.entries(table.fields)) {
      const column = attribute.fieldName ?? field;
      const manifestColumn = manifestTable.manifest.columns.find(
        (candidate) => candidate.field === field,
      );
      if (manifestColumn?.column !== column) {
        throw new SchemaMismatchError(
          `Better Auth stores field "${model}.${field}" in column "${column}", which the schema manifest lacks.`,
        );
      }

      const kind = kindOf(attribute.type);
      if (manifestColumn.kind !== kind) {
        throw new SchemaMismatchError(
          `Better Auth gives field "${model}.${field}" type ${kind}, but the schema manifest has ${manifestColumn.kind}.`,
        );
      }
      if (manifestColumn.nullable !== (attribute.required === false)) {
        throw new SchemaMismatchError(
          `Better Auth makes field "${model}.${field}" ${attribute.required === false ? "optional" : "required"}, but the schema manifest does not.`,
        );
      }
    }
  }
}

function checkIdStrategy(
  catalog: SchemaCatalog,
  options: BetterAuthOptions,
): void {
  const generateId = options.advanced?.database?.generateId;
  const expected: IdStrategy =
    generateId === "uuid"
      ? "uuid"
      : generateId === "serial"
        ? "serial"
        : "text";
  const actual = catalog.manifest.idStrategy;
  if (actual !== expected) {
    throw new SchemaMismatchError(
      `Better Auth's advanced.database.generateId asks for ${expected} ids, but the schema manifest was generated for ${actual} ids.`,
    );
  }
}

/** Better Auth's field type as the manifest records it; enums are text. */
function kindOf(type: unknown): FieldKind | string {
  return Array.isArray(type) ? "string" : String(type);
}
