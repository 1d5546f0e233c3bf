import { encodeValue } from "./encode-value.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type { ColumnManifest } from "./schema-manifest.js";
import type { SqlParameters } from "./sql-parameters.js";
import type { WhereNode } from "./where-plan.js";

/**
 * `E'\\'` is one backslash whatever `standard_conforming_strings` says; a
 * plain `'\'` would be an unterminated literal where that setting is off.
 */
const LIKE_ESCAPE = "ESCAPE E'\\\\'";

/**
 * Compiles a where plan into a boolean SQL expression, appending its values
 * to `parameters`. Identifiers come from the manifest through
 * `quoteIdentifier`, qualified with `alias` when given; values only ever
 * become parameters, each through `encodeValue`.
 *
 * @throws {InvalidQueryError} from `encodeValue`, for a value PostgreSQL
 * cannot store (a NUL character, an invalid Date, a non-finite number).
 */
export function compileWhere(
  node: WhereNode,
  parameters: SqlParameters,
  alias?: string,
): string {
  switch (node.kind) {
    case "constant":
      return node.value ? "TRUE" : "FALSE";
    case "nullTest":
      return `${columnRef(node.column, alias)} IS ${node.isNull ? "" : "NOT "}NULL`;
    case "compare": {
      const value = parameters.add(
        encodeValue(node.column, node.value),
        node.source === null
          ? null
          : { from: "where", index: node.source, column: node.column },
      );
      return node.insensitive
        ? `lower(${columnRef(node.column, alias)}) ${node.operator} lower(${value})`
        : `${columnRef(node.column, alias)} ${node.operator} ${value}`;
    }
    case "list":
      return compileList(node, columnRef(node.column, alias), parameters);
    case "pattern": {
      const value = parameters.add(encodeValue(node.column, node.pattern));
      const column =
        node.column.pgType === "text"
          ? columnRef(node.column, alias)
          : `${columnRef(node.column, alias)}::text`;
      const like = node.insensitive ? "ILIKE" : "LIKE";
      return `${column} ${like} ${value} ${LIKE_ESCAPE}`;
    }
    case "arrayContains": {
      // The element is checked as the array column's values are.
      const value = parameters.add(encodeValue(node.column, node.value));
      return `${value} = ANY(${columnRef(node.column, alias)})`;
    }
    case "and":
    case "or": {
      const connector = node.kind === "and" ? " AND " : " OR ";
      let sql = "";
      for (const [index, child] of node.nodes.entries()) {
        const part = compileWhere(child, parameters, alias);
        if (index > 0) sql += connector;
        sql += child.kind === "and" || child.kind === "or" ? `(${part})` : part;
      }
      return sql;
    }
  }
}

function columnRef(column: ColumnManifest, alias: string | undefined): string {
  return alias === undefined
    ? quoteIdentifier(column.column)
    : `${alias}.${quoteIdentifier(column.column)}`;
}

function compileList(
  node: Extract<WhereNode, { kind: "list" }>,
  column: string,
  parameters: SqlParameters,
): string {
  const quantifier = node.negated ? "<> ALL" : "= ANY";
  const values = parameters.add(
    node.values.map((value) => encodeValue(node.column, value)),
  );

  if (node.insensitive) {
    return `lower(${column}) ${quantifier}(SELECT lower(v) FROM unnest(${values}::text[]) AS v)`;
  }
  return `${column} ${quantifier}(${values}::${node.column.pgType}[])`;
}
