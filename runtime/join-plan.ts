import type { JoinConfig } from "@better-auth/core/db/adapter";

import { InvalidQueryError } from "./invalid-query-error.js";
import type { CatalogTable, SchemaCatalog } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";

/** Better Auth's per-parent limit for one-to-many joins. */
export const DEFAULT_JOIN_LIMIT = 100;

/** One related model embedded in each base row. */
export interface JoinPlan {
  /** The key Better Auth reads the joined data from (its model name). */
  readonly key: string;
  readonly table: CatalogTable;
  /** The base table's column the join starts from. */
  readonly from: ColumnManifest;
  /** The joined table's column that must equal `from`. */
  readonly to: ColumnManifest;
  /** One-to-one yields an object or null; one-to-many an array. */
  readonly relation: "one-to-one" | "one-to-many";
  readonly limit: number;
  /**
   * The result column carrying the joined JSON. Numbered, so it stays far
   * below Postgres' 63-byte limit whatever the model is called, and chosen
   * not to collide with a base column.
   */
  readonly alias: string;
}

/**
 * Plans the joins Better Auth's adapter factory resolved (forward,
 * reverse, one-to-one and one-to-many) against the manifest.
 *
 * @throws {InvalidQueryError} naming the model or column when the manifest
 * does not have it.
 */
export function planJoins(
  catalog: SchemaCatalog,
  base: CatalogTable,
  join: JoinConfig | undefined,
): readonly JoinPlan[] {
  if (join === undefined) return [];

  const taken = new Set(base.manifest.columns.map((column) => column.column));
  return Object.freeze(
    Object.entries(join).map(([key, config], index) => {
      const table = catalog.table(config.modelKey ?? key);
      const relation =
        config.relation === "one-to-one" ? "one-to-one" : "one-to-many";
      const limit = config.limit ?? DEFAULT_JOIN_LIMIT;
      if (!Number.isSafeInteger(limit) || limit < 0) {
        throw new InvalidQueryError(
          `The join limit for model "${table.manifest.model}" must be a non-negative integer.`,
        );
      }

      return Object.freeze({
        key,
        table,
        from: base.column(config.on.from),
        to: table.column(config.on.to),
        relation,
        limit: relation === "one-to-one" ? 1 : limit,
        alias: freeAlias(`join_${index}`, taken),
      });
    }),
  );
}

function freeAlias(candidate: string, taken: Set<string>): string {
  let alias = candidate;
  while (taken.has(alias)) alias = `_${alias}`;
  taken.add(alias);
  return alias;
}
