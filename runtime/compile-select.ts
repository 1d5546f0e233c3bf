import { compileWhere } from "./compile-where.js";
import type { JoinPlan } from "./join-plan.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type { CatalogTable } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";
import { SqlParameters } from "./sql-parameters.js";
import type { WhereNode } from "./where-plan.js";

/** SQL text and its parameters, ready for `SqlExecutor.query`. */
export interface CompiledStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** A read of one table, with optional order, page and embedded joins. */
export interface SelectPlan {
  readonly table: CatalogTable;
  readonly where: WhereNode;
  /** The columns returned, in order. */
  readonly columns: readonly ColumnManifest[];
  readonly sortBy?:
    | { readonly column: ColumnManifest; readonly direction: "asc" | "desc" }
    | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  readonly joins: readonly JoinPlan[];
  /**
   * Orders by the primary key after `sortBy` (or alone), so pages with
   * `offset` never overlap and every read returns rows in one stable order.
   */
  readonly orderByKey?: boolean | undefined;
}

const BASE_ALIAS = '"b"';

/**
 * Compiles a read into one statement. Without joins it is a plain SELECT.
 * With joins the base rows are chosen, ordered and paged in a subquery
 * first, so each joined model is fetched only for the rows returned; every
 * join is then one correlated subquery that folds the related rows into
 * JSON (an object, or an array capped at the join's limit), which keeps
 * session+user and any number of joins to one round trip.
 */
export function compileSelect(
  plan: SelectPlan,
  parameters = new SqlParameters(),
): CompiledStatement {
  const columns = plan.columns
    .map((column) => quoteIdentifier(column.column))
    .join(", ");

  if (plan.joins.length === 0) {
    const text = `SELECT ${columns} FROM ${plan.table.manifest.qualifiedName}${compileTail(plan, parameters)}`;
    return { text, values: parameters.values };
  }

  const inner = innerColumns(plan)
    .map((column) => quoteIdentifier(column.column))
    .join(", ");
  const base = `SELECT ${inner} FROM ${plan.table.manifest.qualifiedName}${compileTail(plan, parameters)}`;
  const outer = [
    ...plan.columns.map(
      (column) => `${BASE_ALIAS}.${quoteIdentifier(column.column)}`,
    ),
    ...plan.joins.map(
      (join) =>
        `${compileJoin(join, parameters)} AS ${quoteIdentifier(join.alias)}`,
    ),
  ].join(", ");
  const order = compileOrder(plan, `${BASE_ALIAS}.`);

  return {
    text: `SELECT ${outer} FROM (${base}) AS ${BASE_ALIAS}${order}`,
    values: parameters.values,
  };
}

/** The base subquery also carries the sort key and the join keys. */
function innerColumns(plan: SelectPlan): ColumnManifest[] {
  const columns = [...plan.columns];
  const needed = [
    ...orderColumns(plan).map((order) => order.column),
    ...plan.joins.map((join) => join.from),
  ];
  for (const column of needed) {
    if (!columns.includes(column)) columns.push(column);
  }
  return columns;
}

function compileTail(plan: SelectPlan, parameters: SqlParameters): string {
  let tail = "";
  if (plan.where.kind !== "constant" || !plan.where.value) {
    tail += ` WHERE ${compileWhere(plan.where, parameters)}`;
  }
  tail += compileOrder(plan, "");
  if (plan.limit !== undefined) {
    tail += ` LIMIT ${parameters.add(plan.limit, { from: "limit" })}`;
  }
  if (plan.offset !== undefined && plan.offset > 0) {
    tail += ` OFFSET ${parameters.add(plan.offset, { from: "offset" })}`;
  }
  return tail;
}

function orderColumns(
  plan: SelectPlan,
): { column: ColumnManifest; direction: "asc" | "desc" }[] {
  const order = plan.sortBy === undefined ? [] : [plan.sortBy];
  const key = plan.table.primaryKey;
  if (plan.orderByKey === true && plan.sortBy?.column !== key) {
    order.push({ column: key, direction: "asc" });
  }
  return order;
}

function compileOrder(plan: SelectPlan, qualifier: string): string {
  const order = orderColumns(plan).map(
    ({ column, direction }) =>
      `${qualifier}${quoteIdentifier(column.column)} ${direction.toUpperCase()}`,
  );
  return order.length === 0 ? "" : ` ORDER BY ${order.join(", ")}`;
}

/**
 * `row_to_json` keeps column names as keys; what it loses (timestamps become
 * ISO strings) the manifest restores in `CatalogTable.decodeJsonRow`.
 */
function compileJoin(join: JoinPlan, parameters: SqlParameters): string {
  const limit =
    join.relation === "one-to-one"
      ? "1"
      : parameters.add(join.limit, { from: "constant", value: join.limit });
  const related =
    `SELECT ${join.table.selectList} FROM ${join.table.manifest.qualifiedName} AS "j"` +
    ` WHERE "j".${quoteIdentifier(join.to.column)} = ${BASE_ALIAS}.${quoteIdentifier(join.from.column)}` +
    ` LIMIT ${limit}`;

  return join.relation === "one-to-one"
    ? `(SELECT row_to_json("r") FROM (${related}) AS "r")`
    : `(SELECT coalesce(json_agg("r"), '[]') FROM (${related}) AS "r")`;
}
