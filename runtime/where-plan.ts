import type { CleanedWhere } from "@better-auth/core/db/adapter";

import {
  integerRange,
  isComparable,
  isComparableElement,
} from "./encode-value.js";
import { InvalidQueryError } from "./invalid-query-error.js";
import type { CatalogTable } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";

export type ComparisonOperator = "=" | "<>" | "<" | "<=" | ">" | ">=";

/**
 * A where-clause as a tree of small immutable nodes. Plans reference columns
 * from the manifest and carry raw values; `compileWhere` is the only place
 * that turns them into SQL text and parameters.
 */
export type WhereNode =
  | { readonly kind: "constant"; readonly value: boolean }
  | {
      readonly kind: "nullTest";
      readonly column: ColumnManifest;
      readonly isNull: boolean;
    }
  | {
      readonly kind: "compare";
      readonly column: ColumnManifest;
      readonly operator: ComparisonOperator;
      readonly value: unknown;
      readonly insensitive: boolean;
      /**
       * The index of the clause the value came from, or null when the
       * planner derived the value (a statement that binds it is not
       * reusable for another call's values).
       */
      readonly source: number | null;
    }
  | {
      /** `= ANY(array)`, or `<> ALL(array)` when negated. */
      readonly kind: "list";
      readonly column: ColumnManifest;
      readonly values: readonly unknown[];
      readonly negated: boolean;
      readonly insensitive: boolean;
    }
  | {
      /** LIKE with `\` as the escape character; the pattern is escaped. */
      readonly kind: "pattern";
      readonly column: ColumnManifest;
      readonly pattern: string;
      readonly insensitive: boolean;
    }
  | {
      /** An array column holding the value as one element. */
      readonly kind: "arrayContains";
      readonly column: ColumnManifest;
      readonly value: unknown;
    }
  | { readonly kind: "and" | "or"; readonly nodes: readonly WhereNode[] };

export const TRUE_NODE: WhereNode = Object.freeze({
  kind: "constant",
  value: true,
});
export const FALSE_NODE: WhereNode = Object.freeze({
  kind: "constant",
  value: false,
});

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  eq: "=",
  ne: "<>",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
};

/**
 * Plans Better Auth's where-clauses (already mapped to column names by the
 * adapter factory) for one table. Clauses with `connector: "OR"` form one
 * disjunction, the others one conjunction, and the two are ANDed: the
 * contract Better Auth's SQL adapters share. Clauses that cannot match (an
 * `in []`, a malformed uuid) fold to constants, so a plan of `FALSE` needs
 * no statement at all.
 *
 * A value the column's type cannot hold never reaches Postgres, which
 * would refuse it (22P02) and quote it in the message. No row holds such
 * a value, so `eq` matches no row and `ne` every row with a value, and
 * `in` and `not_in` leave it out of their list. An ordering against a
 * number an integer column cannot hold becomes its integer equivalent
 * (see `planIntegerBound`); against anything else it has no answer and
 * is refused.
 *
 * @throws {InvalidQueryError} for an unknown column or operator, an
 * operator that does not apply to the column's type, or an ordering
 * against a value of another type (naming the model, field and type,
 * never the value).
 */
export function planWhere(
  table: CatalogTable,
  where: readonly CleanedWhere[] | undefined,
): WhereNode {
  if (where === undefined || where.length === 0) return TRUE_NODE;

  const all: WhereNode[] = [];
  const any: WhereNode[] = [];
  for (const [index, clause] of where.entries()) {
    const node = planClause(table, clause, index);
    (clause.connector === "OR" ? any : all).push(node);
  }

  if (any.length > 0) all.push(orNodes(any));
  return andNodes(all);
}

/** AND of the nodes, with constants folded away. */
export function andNodes(nodes: readonly WhereNode[]): WhereNode {
  const kept: WhereNode[] = [];
  for (const node of nodes) {
    if (node.kind === "constant") {
      if (!node.value) return FALSE_NODE;
      continue;
    }
    if (node.kind === "and") kept.push(...node.nodes);
    else kept.push(node);
  }
  return junction("and", kept, TRUE_NODE);
}

/** OR of the nodes, with constants folded away. */
export function orNodes(nodes: readonly WhereNode[]): WhereNode {
  const kept: WhereNode[] = [];
  for (const node of nodes) {
    if (node.kind === "constant") {
      if (node.value) return TRUE_NODE;
      continue;
    }
    if (node.kind === "or") kept.push(...node.nodes);
    else kept.push(node);
  }
  return junction("or", kept, FALSE_NODE);
}

function junction(
  kind: "and" | "or",
  nodes: WhereNode[],
  empty: WhereNode,
): WhereNode {
  if (nodes.length === 0) return empty;
  if (nodes.length === 1) return nodes[0]!;
  return Object.freeze({ kind, nodes: Object.freeze(nodes) });
}

function planClause(
  table: CatalogTable,
  clause: CleanedWhere,
  index: number,
): WhereNode {
  const column = table.column(clause.field);
  const operator = clause.operator ?? "eq";
  const { value } = clause;
  // Case folding applies to text only: lower() does not exist for booleans,
  // dates or numbers, and uuids already compare case-insensitively.
  const insensitive = clause.mode === "insensitive" && column.pgType === "text";

  switch (operator) {
    case "eq":
    case "ne":
      return planEquality(column, operator === "ne", value, insensitive, index);
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return value === null || value === undefined
        ? FALSE_NODE
        : planOrdering(table, column, operator, value, index);
    case "in":
    case "not_in":
      return planList(table, column, operator, value, insensitive);
    case "contains":
    case "starts_with":
    case "ends_with":
      return planPattern(table, column, operator, value, insensitive);
    default:
      throw new InvalidQueryError(
        `Operator "${String(operator)}" on field "${clause.field}" of model "${table.manifest.model}" is not a Better Auth where operator.`,
      );
  }
}

function planEquality(
  column: ColumnManifest,
  negated: boolean,
  value: unknown,
  insensitive: boolean,
  source: number,
): WhereNode {
  if (value === null) {
    return Object.freeze({ kind: "nullTest", column, isNull: !negated });
  }
  // `= NULL` never matches; undefined means the caller had no value.
  if (value === undefined) return FALSE_NODE;

  // A value the column type cannot hold matches no row, so `<>` matches
  // every row that has a value.
  if (!isComparable(column, value)) {
    return negated ? hasValue(column) : FALSE_NODE;
  }
  return compare(
    column,
    negated ? "<>" : "=",
    value,
    insensitive && typeof value === "string",
    source,
  );
}

function planOrdering(
  table: CatalogTable,
  column: ColumnManifest,
  operator: "lt" | "lte" | "gt" | "gte",
  value: unknown,
  source: number,
): WhereNode {
  const comparison = COMPARISONS[operator]!;
  if (isComparable(column, value)) {
    return compare(column, comparison, value, false, source);
  }

  const bound = planIntegerBound(column, comparison, value);
  if (bound !== null) return bound;
  throw new InvalidQueryError(
    `Operator "${operator}" on field "${column.field}" of model "${table.manifest.model}" needs a value of the column's type, ${column.pgType}.`,
  );
}

/**
 * An ordering against a finite number an integer column cannot hold, a
 * fraction or one past the type's range, which Postgres would refuse
 * (22P02, 22003), has an exact integer form: `< 2.5` is `<= 2`, `> 2.5` is
 * `>= 3`, and a bound past the range matches every row with a value or
 * none. Null for any other column or value.
 */
function planIntegerBound(
  column: ColumnManifest,
  operator: ComparisonOperator,
  value: unknown,
): WhereNode | null {
  const range = integerRange(column);
  if (range === null || typeof value !== "number") return null;
  if (!Number.isFinite(value)) return null;

  const below = operator === "<" || operator === "<=";
  const bound = below ? Math.floor(value) : Math.ceil(value);
  if (BigInt(bound) > range.max) return below ? hasValue(column) : FALSE_NODE;
  if (BigInt(bound) < range.min) return below ? FALSE_NODE : hasValue(column);
  return compare(column, below ? "<=" : ">=", bound, false, null);
}

/** IS NOT NULL: what a comparison true for every value reduces to. */
function hasValue(column: ColumnManifest): WhereNode {
  return Object.freeze({ kind: "nullTest", column, isNull: false });
}

function compare(
  column: ColumnManifest,
  operator: ComparisonOperator,
  value: unknown,
  insensitive: boolean,
  source: number | null,
): WhereNode {
  return Object.freeze({
    kind: "compare",
    column,
    operator,
    value,
    insensitive,
    source,
  });
}

/**
 * `in` and `not_in` bind the whole list as one array parameter, so the
 * statement text does not depend on the list's length. An empty `in`
 * matches nothing and an empty `not_in` everything (never `IN ()`, never
 * `NOT IN (NULL)`); a null element means IS NULL / IS NOT NULL.
 */
function planList(
  table: CatalogTable,
  column: ColumnManifest,
  operator: "in" | "not_in",
  value: unknown,
  insensitive: boolean,
): WhereNode {
  if (!Array.isArray(value)) {
    throw new InvalidQueryError(
      `Operator "${operator}" on field "${column.field}" of model "${table.manifest.model}" needs an array value.`,
    );
  }
  if (column.pgType.endsWith("[]") || column.kind === "json") {
    throw new InvalidQueryError(
      `Operator "${operator}" does not apply to field "${column.field}" of model "${table.manifest.model}", which holds ${column.kind} values.`,
    );
  }

  const negated = operator === "not_in";
  const hasNull = value.some((item) => item === null || item === undefined);
  const values = value.filter(
    (item) => item !== null && item !== undefined && isComparable(column, item),
  );
  const list: WhereNode =
    values.length === 0
      ? negated
        ? TRUE_NODE
        : FALSE_NODE
      : Object.freeze({
          kind: "list",
          column,
          values: Object.freeze(values),
          negated,
          insensitive:
            insensitive && values.every((item) => typeof item === "string"),
        });

  if (!hasNull) return list;
  const nullTest: WhereNode = Object.freeze({
    kind: "nullTest",
    column,
    isNull: !negated,
  });
  return negated ? andNodes([list, nullTest]) : orNodes([list, nullTest]);
}

/**
 * `contains`, `starts_with` and `ends_with` treat `%`, `_` and `\` in the
 * value literally. On an array column `contains` means "has this element",
 * as in Better Auth's memory adapter.
 */
function planPattern(
  table: CatalogTable,
  column: ColumnManifest,
  operator: "contains" | "starts_with" | "ends_with",
  value: unknown,
  insensitive: boolean,
): WhereNode {
  if (operator === "contains" && column.pgType.endsWith("[]")) {
    if (value === null || value === undefined) return FALSE_NODE;
    // No element equals a value of another type; Postgres would refuse it.
    if (!isComparableElement(column, value)) return FALSE_NODE;
    return Object.freeze({ kind: "arrayContains", column, value });
  }
  if (column.kind !== "string") {
    throw new InvalidQueryError(
      `Operator "${operator}" does not apply to field "${column.field}" of model "${table.manifest.model}", which holds ${column.kind} values.`,
    );
  }
  if (typeof value !== "string") {
    throw new InvalidQueryError(
      `Operator "${operator}" on field "${column.field}" of model "${table.manifest.model}" needs a string value.`,
    );
  }

  const literal = escapeLikePattern(value);
  const pattern =
    operator === "contains"
      ? `%${literal}%`
      : operator === "starts_with"
        ? `${literal}%`
        : `%${literal}`;
  return Object.freeze({ kind: "pattern", column, pattern, insensitive });
}

/** Escapes LIKE's wildcards and its escape character with a backslash. */
export function escapeLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}
