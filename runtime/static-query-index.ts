import type { CleanedWhere, JoinConfig } from "@better-auth/core/db/adapter";

import { encodeValue, isComparable } from "./encode-value.js";
import type { CatalogTable, SchemaCatalog } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";
import type { ParameterSource } from "./sql-parameters.js";
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

/** A joined model the static query embeds, and where Better Auth wants it. */
export interface StaticJoin {
  /** The query's JSON column, named after the joined model key. */
  readonly column: string;
  /** Better Auth's join key. */
  readonly key: string;
  readonly table: CatalogTable;
}

/** A static query chosen for a call, with its parameters in order. */
export interface StaticMatch {
  readonly query: StaticQuery;
  readonly values: unknown[];
  /** Where each value came from in the call. */
  readonly sources: ParameterSource[];
  readonly joins: readonly StaticJoin[];
}

interface IndexedQuery {
  readonly query: StaticQuery;
  /** The compared columns, in parameter order. */
  readonly columns: readonly ColumnManifest[];
  /** Joined model keys. */
  readonly joins: readonly string[];
}

/**
 * The generated static queries by model and operation. Built once per
 * adapter; `match` compares the call with the few queries of its model
 * and operation, without allocating unless one fits.
 */
export class StaticQueryIndex {
  readonly #catalog: SchemaCatalog;
  readonly #byTarget = new Map<string, IndexedQuery[]>();

  constructor(catalog: SchemaCatalog, queries: readonly StaticQuery[]) {
    this.#catalog = catalog;
    for (const query of queries) {
      const table = catalog.table(query.model);
      const target = `${query.model}\u0000${query.operation}`;
      const indexed = this.#byTarget.get(target) ?? [];
      indexed.push({
        query,
        columns: query.whereFields.map((field) => table.field(field)),
        joins: query.joins,
      });
      this.#byTarget.set(target, indexed);
    }
  }

  /**
   * The static query that answers this call exactly, or null when the call
   * needs the compiler: any operator but case-sensitive `eq`, a null or
   * junk value (a malformed uuid would make the typed `$1::uuid` raise),
   * `select`, `sortBy` or `offset`, or a join the query does not embed.
   * Bound values pass the compiler's checks (`encodeValue`).
   *
   * @throws {InvalidQueryError} for a joined model the manifest lacks, or
   * a value PostgreSQL cannot store (a NUL character in a token).
   */
  match(call: ReadCall): StaticMatch | null {
    if (call.select !== undefined && call.select.length > 0) return null;
    if (call.sortBy !== undefined || (call.offset ?? 0) > 0) return null;

    const where = call.where ?? [];
    // One OR clause is a disjunction of one, ANDed with the rest; two or
    // more form a real disjunction, which no static query expresses.
    let disjuncts = 0;
    for (const clause of where) {
      if (!isPlainEquality(clause)) return null;
      if (clause.connector === "OR") disjuncts += 1;
    }
    if (disjuncts > 1) return null;

    const candidates = this.#byTarget.get(
      `${call.table.manifest.model}\u0000${call.operation}`,
    );
    if (candidates === undefined) return null;
    const joins = this.#joinsOf(call);
    if (joins === null) return null;

    for (const candidate of candidates) {
      const match = bind(candidate, where, joins);
      if (match === null) continue;
      if (call.operation === "findMany") {
        match.values.push(call.limit);
        match.sources.push({ from: "limit" });
      }
      return match;
    }
    return null;
  }

  #joinsOf(call: ReadCall): StaticJoin[] | null {
    if (call.join === undefined) return [];
    const joins: StaticJoin[] = [];
    for (const key of Object.keys(call.join)) {
      const config = call.join[key]!;
      if (config.relation !== "one-to-one") return null;
      const table = this.#catalog.table(config.modelKey ?? key);
      joins.push({ column: table.manifest.model, key, table });
    }
    return joins;
  }
}

/**
 * The candidate's parameters from the call, or null unless the call
 * compares exactly the candidate's columns (each with a value the column
 * holds) and joins exactly its models.
 *
 * @throws {InvalidQueryError} from `encodeValue`.
 */
function bind(
  candidate: IndexedQuery,
  where: readonly CleanedWhere[],
  joins: readonly StaticJoin[],
): StaticMatch | null {
  if (where.length !== candidate.columns.length) return null;
  if (joins.length !== candidate.joins.length) return null;
  for (const join of joins) {
    if (!candidate.joins.includes(join.column)) return null;
  }

  const values: unknown[] = [];
  const sources: ParameterSource[] = [];
  for (const column of candidate.columns) {
    const index = where.findIndex((clause) => clause.field === column.column);
    if (index === -1 || !isComparable(column, where[index]!.value)) {
      return null;
    }
    // Encoded as the compiler would, so a NUL character or an invalid Date
    // is refused by name here too, and a cached reuse checks it again.
    values.push(encodeValue(column, where[index]!.value));
    sources.push({ from: "where", index, column });
  }
  return { query: candidate.query, values, sources, joins };
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
