import type { CleanedWhere, JoinConfig } from "@better-auth/core/db/adapter";

import { isComparable } from "./encode-value.js";
import type { CatalogTable, SchemaCatalog } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";
import type { StaticQuery } from "./static-query.js";

/** A Better Auth read, as the adapter factory hands it over. */
export interface ReadCall {
  readonly operation: StaticQuery["operation"];
  readonly table: CatalogTable;
  readonly where: readonly CleanedWhere[] | undefined;
  readonly join?: JoinConfig | undefined;
  readonly select?: readonly string[] | undefined;
  readonly sortBy?: unknown;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
}

/** A static query chosen for a call, with its parameters in order. */
export interface StaticMatch {
  readonly query: StaticQuery;
  readonly values: unknown[];
  /** Joined model key (the query's JSON column) to Better Auth's join key. */
  readonly joins: readonly {
    column: string;
    key: string;
    table: CatalogTable;
  }[];
}

interface IndexedQuery {
  readonly query: StaticQuery;
  /** Physical column names, in parameter order. */
  readonly columns: readonly ColumnManifest[];
}

/**
 * The generated static queries by call shape: model, operation, the set of
 * columns compared for equality and the set of joined models. Built once
 * per adapter; `match` is a map lookup plus a check of each value.
 */
export class StaticQueryIndex {
  readonly #catalog: SchemaCatalog;
  readonly #byShape = new Map<string, IndexedQuery>();

  constructor(catalog: SchemaCatalog, queries: readonly StaticQuery[]) {
    this.#catalog = catalog;
    for (const query of queries) {
      const table = catalog.table(query.model);
      const columns = query.whereFields.map((field) => table.field(field));
      const key = shapeKey(
        query.model,
        query.operation,
        columns.map((column) => column.column),
        query.joins,
      );
      this.#byShape.set(key, { query, columns });
    }
  }

  /**
   * The static query that answers this call exactly, or null when the call
   * needs the compiler: any operator but case-sensitive `eq`, a null or
   * junk value (a malformed uuid would make the typed `$1::uuid` raise),
   * `select`, `sortBy` or `offset`, or a join the query does not embed.
   */
  match(call: ReadCall): StaticMatch | null {
    if (call.select !== undefined && call.select.length > 0) return null;
    if (call.sortBy !== undefined || (call.offset ?? 0) > 0) return null;

    const where = call.where ?? [];
    if (!where.every(isPlainEquality)) return null;
    // One OR clause is a disjunction of one, ANDed with the rest; two or
    // more form a real disjunction, which no static query expresses.
    const disjuncts = where.filter((clause) => clause.connector === "OR");
    if (disjuncts.length > 1) return null;
    const joins = this.#joinsOf(call);
    if (joins === null) return null;

    const indexed = this.#byShape.get(
      shapeKey(
        call.table.manifest.model,
        call.operation,
        where.map((clause) => clause.field),
        joins.map((join) => join.column),
      ),
    );
    if (indexed === undefined) return null;

    const values: unknown[] = [];
    for (const column of indexed.columns) {
      const clause = where.find(
        (candidate) => candidate.field === column.column,
      );
      if (clause === undefined || !isComparable(column, clause.value)) {
        return null;
      }
      values.push(clause.value);
    }
    if (where.length !== indexed.columns.length) return null;
    if (call.operation === "findMany") values.push(call.limit);

    return { query: indexed.query, values, joins };
  }

  #joinsOf(call: ReadCall): StaticMatch["joins"] | null {
    if (call.join === undefined) return [];
    const joins: { column: string; key: string; table: CatalogTable }[] = [];
    for (const [key, config] of Object.entries(call.join)) {
      if (config.relation !== "one-to-one") return null;
      const table = this.#catalog.table(config.modelKey ?? key);
      joins.push({ column: table.manifest.model, key, table });
    }
    return joins;
  }
}

function isPlainEquality(clause: CleanedWhere): boolean {
  return (
    clause.operator === "eq" &&
    clause.mode !== "insensitive" &&
    clause.value !== null &&
    clause.value !== undefined &&
    !Array.isArray(clause.value)
  );
}

function shapeKey(
  model: string,
  operation: string,
  columns: readonly string[],
  joins: readonly string[],
): string {
  return JSON.stringify([
    model,
    operation,
    [...columns].sort(),
    [...joins].sort(),
  ]);
}
