import type { CleanedWhere, JoinConfig } from "@better-auth/core/db/adapter";

import {
  runStatement,
  type AdapterContext,
  type AdapterMethod,
} from "./adapter-context.js";
import { compileSelect } from "./compile-select.js";
import { InvalidQueryError } from "./invalid-query-error.js";
import { planJoins, type JoinPlan } from "./join-plan.js";
import type { CatalogTable } from "./schema-catalog.js";
import type { StaticMatch } from "./static-query-index.js";
import { planWhere } from "./where-plan.js";

type Row = Record<string, unknown>;

/** A findOne or findMany, as the adapter factory hands it over. */
export interface ReadRequest {
  readonly operation: "findOne" | "findMany";
  readonly table: CatalogTable;
  readonly where: readonly CleanedWhere[] | undefined;
  readonly join?: JoinConfig | undefined;
  /** Field keys, not column names. */
  readonly select?: readonly string[] | undefined;
  readonly sortBy?:
    { readonly field: string; readonly direction: "asc" | "desc" } | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * Reads rows keyed by column names, each join under Better Auth's key:
 * through a generated static query when one fits the call exactly,
 * otherwise through the where compiler and join planner. Sends nothing when
 * the where plan cannot match.
 *
 * @throws {InvalidQueryError} for an unknown field, operator or sort
 * direction; a `DatabaseError` when the statement fails.
 */
export async function readRows(
  context: AdapterContext,
  method: AdapterMethod,
  request: ReadRequest,
): Promise<Row[]> {
  const { table } = request;
  const plan = planWhere(table, request.where);
  if (plan.kind === "constant" && !plan.value) return [];

  const match = context.staticQueries?.match(request) ?? null;
  if (match !== null) {
    const { query, values } = match;
    const { rows } = await runStatement(context, method, query.name, {
      text: query.sql,
      values,
    });
    return rows.map((row) => shapeStaticRow(table, row, match));
  }

  const joins = planJoins(context.catalog, table, request.join);
  const statement = compileSelect({
    table,
    where: plan,
    columns:
      request.select === undefined || request.select.length === 0
        ? table.manifest.columns
        : request.select.map((field) => table.field(field)),
    sortBy: sortPlan(table, request.sortBy),
    limit: request.limit,
    offset: request.offset,
    joins,
    // One stable order without `sortBy`, the one static queries use.
    orderByKey: request.operation === "findMany",
  });
  const name = `${request.operation} ${table.manifest.modelName}`;
  const { rows } = await runStatement(context, method, name, statement);
  return rows.map((row) => shapeRow(table, row, joins));
}

function sortPlan(table: CatalogTable, sortBy: ReadRequest["sortBy"]) {
  if (sortBy === undefined) return undefined;
  const direction = sortBy.direction?.toLowerCase();
  if (direction !== "asc" && direction !== "desc") {
    throw new InvalidQueryError(
      `The sort direction for model "${table.manifest.model}" must be "asc" or "desc".`,
    );
  }
  return { column: table.field(sortBy.field), direction } as const;
}

/** Moves each join's JSON column to Better Auth's key, decoded. */
function shapeRow(
  table: CatalogTable,
  row: Row,
  joins: readonly JoinPlan[],
): Row {
  table.decodeRow(row);
  for (const join of joins) {
    const raw = row[join.alias];
    delete row[join.alias];
    row[join.key] =
      join.relation === "one-to-one"
        ? raw == null
          ? null
          : join.table.decodeJsonRow(raw as Row)
        : ((raw as Row[] | null) ?? []).map((item) =>
            join.table.decodeJsonRow(item),
          );
  }
  return row;
}

/** The static session+user query names its JSON column after the model. */
function shapeStaticRow(table: CatalogTable, row: Row, match: StaticMatch) {
  table.decodeRow(row);
  for (const join of match.joins) {
    const raw = row[join.column];
    delete row[join.column];
    row[join.key] = raw == null ? null : join.table.decodeJsonRow(raw as Row);
  }
  return row;
}
