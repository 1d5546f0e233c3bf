import type { CleanedWhere } from "@better-auth/core/db/adapter";

import { encodeData, encodeValue, isComparable } from "./encode-value.js";
import type { CatalogTable } from "./schema-catalog.js";
import type { ParameterSource } from "./sql-parameters.js";

/** A statement compiled for one call shape, ready for the next call. */
export interface CachedStatement<Shape = unknown> {
  /** The label debug logs and errors use. */
  readonly name: string;
  readonly text: string;
  readonly sources: readonly ParameterSource[];
  /** What the caller needs besides the SQL (how to shape the rows). */
  readonly shape: Shape;
}

/** The values a cached statement's parameters are read from. */
export interface CallValues {
  readonly where?: readonly CleanedWhere[] | undefined;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  readonly increment?: Readonly<Record<string, number>> | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * Shapes the calls allow are bounded by the schema, but a cache must not
 * grow with whatever a caller sends; past this many it starts over.
 */
const MAX_ENTRIES = 1000;

/**
 * Compiled statements by call shape: model, operation, where columns,
 * operators and connectors, selected columns, joins, order and paging, and
 * the columns written. A call whose shape was seen before skips planning
 * and compiling and only binds its values. Only calls whose SQL does not
 * depend on their values are cached: where-clauses with a null, a list, a
 * pattern or a value the column cannot hold fold into different SQL (or an
 * error), so they are compiled every time.
 */
export class StatementCache {
  readonly #entries = new Map<string, CachedStatement>();

  get<Shape>(key: string): CachedStatement<Shape> | undefined {
    return this.#entries.get(key) as CachedStatement<Shape> | undefined;
  }

  /**
   * Keeps the statement when every parameter has a source; a statement
   * with a parameter the compiler could not trace back is not reusable.
   */
  remember<Shape>(
    key: string,
    name: string,
    compiled: { readonly text: string },
    sources: readonly (ParameterSource | null)[],
    shape: Shape,
  ): void {
    if (sources.some((source) => source === null)) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, {
      name,
      text: compiled.text,
      sources: sources as ParameterSource[],
      shape,
    });
  }
}

/**
 * The parameter values of a cached statement for this call. Where and data
 * values go through `encodeValue` and `encodeData` as when the statement
 * was compiled, so a value PostgreSQL cannot store is refused on every call.
 *
 * @throws {InvalidQueryError} from `encodeValue` or `encodeData`, naming
 * the field.
 */
export function bindValues(
  sources: readonly ParameterSource[],
  call: CallValues,
): unknown[] {
  const values: unknown[] = new Array(sources.length);
  for (let index = 0; index < sources.length; index += 1) {
    const source = sources[index]!;
    switch (source.from) {
      case "where": {
        values[index] = encodeValue(
          source.column,
          call.where![source.index]!.value,
        );
        break;
      }
      case "data":
        values[index] = encodeData(
          source.model,
          source.column,
          call.data![source.key],
        );
        break;
      case "increment":
        values[index] = call.increment![source.key];
        break;
      case "limit":
        values[index] = call.limit;
        break;
      case "offset":
        values[index] = call.offset;
        break;
      case "constant":
        values[index] = source.value;
        break;
    }
  }
  return values;
}

const SIMPLE_OPERATORS = new Set(["eq", "ne", "lt", "lte", "gt", "gte"]);

/**
 * The part of a cache key the where-clauses contribute, or null when the
 * SQL depends on a value: a null or missing value (IS NULL, or nothing), a
 * list, a pattern, a value the column cannot hold (an equality folded to a
 * constant, an ordering rewritten or refused), or case-insensitivity that
 * depends on the value's type.
 * Every clause's column is looked up, so an unknown one throws as the
 * planner would.
 *
 * @throws {InvalidQueryError} for a column the table does not have.
 */
export function whereShape(
  table: CatalogTable,
  where: readonly CleanedWhere[] | undefined,
): string | null {
  if (where === undefined) return "";
  let shape = "";
  for (const clause of where) {
    const column = table.column(clause.field);
    const operator = clause.operator ?? "eq";
    const { value } = clause;
    if (!SIMPLE_OPERATORS.has(operator)) return null;
    if (value === null || value === undefined || Array.isArray(value)) {
      return null;
    }

    const equality = operator === "eq" || operator === "ne";
    const insensitive = clause.mode === "insensitive";
    if (
      insensitive &&
      !(equality && column.pgType === "text" && typeof value === "string")
    ) {
      return null;
    }
    if (!isComparable(column, value)) return null;

    shape += `${column.column}\u0000${operator}${clause.connector === "OR" ? "|" : "&"}${insensitive ? "i" : "s"}\u0000`;
  }
  return shape;
}

/**
 * The part of a cache key the written columns contribute: the keys with a
 * defined value, in order (the order of the SQL). Each is looked up, so an
 * unknown one throws as the compiler would.
 *
 * @throws {InvalidQueryError} for a column the table does not have.
 */
export function columnsShape(
  table: CatalogTable,
  data: Readonly<Record<string, unknown>> | undefined,
): string {
  let shape = "";
  if (data === undefined) return shape;
  for (const name of Object.keys(data)) {
    if (data[name] === undefined) continue;
    shape += `${table.column(name).column}\u0000`;
  }
  return shape;
}
