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
 * become parameters.
 */
export function compileWhere(
  node: WhereNode,
  parameters: SqlParameters,
  alias?: string,
): string {
  const ref = (column: ColumnManifest) =>
    alias === undefined
      ? quoteIdentifier(column.column)
      : `${alias}.${quoteIdentifier(column.column)}`;

  switch (node.kind) {
    case "constant":
      return node.value ? "TRUE" : "FALSE";
    case "nullTest":
      return `${ref(node.column)} IS ${node.isNull ? "" : "NOT "}NULL`;
    case "compare": {
      const value = parameters.add(encodeValue(node.column, node.value));
      return node.insensitive
        ? `lower(${ref(node.column)}) ${node.operator} lower(${value})`
        : `${ref(node.column)} ${node.operator} ${value}`;
    }
    case "list":
      return compileList(node, ref(node.column), parameters);
    case "pattern": {
      const value = parameters.add(node.pattern);
      const column =
        node.column.pgType === "text"
          ? ref(node.column)
          : `${ref(node.column)}::text`;
      const like = node.insensitive ? "ILIKE" : "LIKE";
      return `${column} ${like} ${value} ${LIKE_ESCAPE}`;
    }
    case "arrayContains":
      return `${parameters.add(node.value)} = ANY(${ref(node.column)})`;
    case "and":
    case "or":
      return node.nodes
        .map((child) => {
          const sql = compileWhere(child, parameters, alias);
          return child.kind === "and" || child.kind === "or" ? `(${sql})` : sql;
        })
        .join(node.kind === "and" ? " AND " : " OR ");
  }
}

function compileList(
  node: Extract<WhereNode, { kind: "list" }>,
  column: string,
  parameters: SqlParameters,
): string {
  const { negated } = node;
  const quantifier = negated ? "<> ALL" : "= ANY";

  if (node.insensitive) {
    const values = parameters.add(node.values);
    return `lower(${column}) ${quantifier}(SELECT lower(v) FROM unnest(${values}::text[]) AS v)`;
  }

  const values = parameters.add(
    node.values.map((value) => encodeValue(node.column, value)),
  );
  return `${column} ${quantifier}(${values}::${node.column.pgType}[])`;
}
