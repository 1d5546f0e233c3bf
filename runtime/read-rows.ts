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
import { SqlParameters } from "./sql-parameters.js";
import {
  bindValues,
  whereShape,
  type CachedStatement,
} from "./statement-cache.js";
import type { StaticJoin } from "./static-query-index.js";
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

/** How the rows of a read statement become Better Auth's rows. */
type RowShape =
  | { readonly static: true; readonly joins: readonly StaticJoin[] }
  | { readonly static: false; readonly joins: readonly JoinPlan[] };

/**
 * Reads rows keyed by column names, each join under Better Auth's key:
 * through a generated static query when one fits the call exactly,
 * otherwise through the where compiler and join planner. A call shaped
 * like an earlier one reuses that one's statement. Sends nothing when the
 * where plan cannot match.
 *
 * @throws {InvalidQueryError} for an unknown field, operator or sort
 * direction, a `limit` or `offset` that is not a non-negative integer, or a
 * where value the planner or `encodeValue` refuses; a `DatabaseError` when
 * the statement fails.
 */
export function readRows(
  context: AdapterContext,
  method: AdapterMethod,
  request: ReadRequest,
): Promise<Row[]> {
  checkPage(request.table, "limit", request.limit);
  checkPage(request.table, "offset", request.offset);
  const key = readShape(request);
  const cached =
    key === null ? undefined : context.statements.get<RowShape>(key);
  if (cached !== undefined) {
    const values = bindValues(cached.sources, request);
    return run(context, method, request.table, cached, values);
  }

  const { table } = request;
  const plan = planWhere(table, request.where);
  if (plan.kind === "constant" && !plan.value) return Promise.resolve([]);

  const match = context.staticQueries?.match(request) ?? null;
  if (match !== null) {
    const statement: CachedStatement<RowShape> = {
      name: match.query.name,
      text: match.query.sql,
      sources: match.sources,
      shape: { static: true, joins: match.joins },
    };
    if (key !== null) {
      context.statements.remember(
        key,
        statement.name,
        statement,
        statement.sources,
        statement.shape,
      );
    }
    return run(context, method, table, statement, match.values);
  }

  const joins = planJoins(context.catalog, table, request.join);
  const parameters = new SqlParameters();
  const compiled = compileSelect(
    {
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
    },
    parameters,
  );
  const statement: CachedStatement<RowShape> = {
    name: `${request.operation} ${table.manifest.modelName}`,
    text: compiled.text,
    sources: [],
    shape: { static: false, joins },
  };
  if (key !== null) {
    context.statements.remember(
      key,
      statement.name,
      compiled,
      parameters.sources,
      statement.shape,
    );
  }
  return run(context, method, table, statement, compiled.values);
}

function run(
  context: AdapterContext,
  method: AdapterMethod,
  table: CatalogTable,
  statement: CachedStatement<RowShape>,
  values: unknown[],
): Promise<Row[]> {
  const { shape } = statement;
  return runStatement(context, method, statement.name, {
    text: statement.text,
    values,
  }).then(({ rows }) => {
    for (const row of rows) {
      if (shape.static) shapeStaticRow(table, row, shape.joins);
      else shapeRow(table, row, shape.joins);
    }
    return rows;
  });
}

/**
 * The cache key of a read, or null when its SQL depends on its values or
 * it names an unknown field (compiling it then reports that in the
 * compiler's order).
 */
function readShape(request: ReadRequest): string | null {
  const { table } = request;
  const where = whereShape(table, request.where);
  if (where === null) return null;

  let key = `${request.operation}\u0000${table.manifest.model}\u0000${where}\u0001`;
  for (const field of request.select ?? []) {
    const column = table.findField(field);
    if (column === null) return null;
    key += `${column.column}\u0000`;
  }
  key += "\u0001";
  if (request.join !== undefined) {
    for (const name of Object.keys(request.join)) {
      const { modelKey, on, relation, limit } = request.join[name]!;
      key += `${name}\u0000${modelKey}\u0000${on.from}\u0000${on.to}\u0000${relation}\u0000${limit}\u0000`;
    }
  }
  key += "\u0001";
  if (request.sortBy !== undefined) {
    const column = table.findField(request.sortBy.field);
    if (column === null) return null;
    key += `${column.column}\u0000${String(request.sortBy.direction).toLowerCase()}`;
  }
  key += request.limit === undefined ? "\u0001-" : "\u0001l";
  key += request.offset !== undefined && request.offset > 0 ? "o" : "-";
  return key;
}

/**
 * Postgres refuses a negative LIMIT or OFFSET (2201W, 2201X) and a
 * fractional one (22P02); checked on every call, whichever path the
 * statement takes, so that `offset: -5` is refused like `limit: -1`
 * instead of being skipped. Better Auth passes 0 or leaves them out.
 */
function checkPage(
  table: CatalogTable,
  option: "limit" | "offset",
  value: number | undefined,
): void {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 0)) {
    return;
  }
  throw new InvalidQueryError(
    `The ${option} for model "${table.manifest.model}" must be a non-negative integer.`,
  );
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
    if (join.relation === "one-to-one") {
      row[join.key] = raw == null ? null : join.table.decodeJsonRow(raw as Row);
    } else {
      const items = (raw as Row[] | null) ?? [];
      for (const item of items) join.table.decodeJsonRow(item);
      row[join.key] = items;
    }
  }
  return row;
}

/** The static session+user query names its JSON column after the model. */
function shapeStaticRow(
  table: CatalogTable,
  row: Row,
  joins: readonly StaticJoin[],
): Row {
  table.decodeRow(row);
  for (const join of joins) {
    const raw = row[join.column];
    delete row[join.column];
    row[join.key] = raw == null ? null : join.table.decodeJsonRow(raw as Row);
  }
  return row;
}
