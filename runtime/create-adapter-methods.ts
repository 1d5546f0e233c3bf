import type {
  CleanedWhere,
  CustomAdapter,
  JoinConfig,
} from "@better-auth/core/db/adapter";

import {
  compileConsume,
  compileCount,
  compileDelete,
  compileIncrement,
  compileInsert,
  compileUpdate,
  type ColumnValues,
} from "./compile-mutation.js";
import { compileSelect, type CompiledStatement } from "./compile-select.js";
import { InvalidQueryError } from "./invalid-query-error.js";
import { planJoins, type JoinPlan } from "./join-plan.js";
import type { CatalogTable, SchemaCatalog } from "./schema-catalog.js";
import type { SqlExecutor } from "./sql-connection.js";
import type { StaticMatch, StaticQueryIndex } from "./static-query-index.js";
import { planWhere, type WhereNode } from "./where-plan.js";

type Row = Record<string, unknown>;

/** The adapter operations that send SQL, as debug logs name them. */
export type AdapterMethod =
  | "create"
  | "findOne"
  | "findMany"
  | "count"
  | "update"
  | "updateMany"
  | "delete"
  | "deleteMany"
  | "consumeOne"
  | "incrementOne";

/** Receives each statement's method, name and SQL; never its values. */
export type QueryLog = (event: {
  method: AdapterMethod;
  name: string;
  sql: string;
}) => void;

/** What the adapter methods run on. */
export interface AdapterContext {
  readonly catalog: SchemaCatalog;
  /**
   * The connection. Inside `transaction` it routes every statement to the
   * transaction's client by itself (see `SqlConnection`), so the same
   * methods serve the transaction adapter.
   */
  readonly executor: SqlExecutor;
  readonly staticQueries: StaticQueryIndex | null;
  readonly log: QueryLog | null;
}

type SortBy = { field: string; direction: "asc" | "desc" };

/**
 * Better Auth's `CustomAdapter` over PostgreSQL: the methods
 * `createAdapterFactory` wraps. The factory has already mapped field keys to
 * column names in `where` and data, applied defaults and id generation, and
 * turns rows keyed by column names back into Better Auth's shape; these
 * methods plan, compile and run one statement each (none when the where
 * plan cannot match anything).
 *
 * Every method throws `InvalidQueryError` for an unknown model, column or
 * operator, and the `DatabaseError` family for driver failures.
 */
export function createAdapterMethods(context: AdapterContext): CustomAdapter {
  const { catalog } = context;
  const run = (
    method: AdapterMethod,
    name: string,
    statement: CompiledStatement,
  ) => {
    context.log?.({ method, name, sql: statement.text });
    return context.executor.query<Row>(statement.text, statement.values, name);
  };
  const tableOf = (model: string, modelKey: string | undefined) =>
    catalog.table(modelKey ?? model);

  return {
    async create({ model, modelKey, data }) {
      const table = tableOf(model, modelKey);
      const statement = compileInsert(table, data as ColumnValues);
      const { rows } = await run("create", `create ${model}`, statement);
      return table.decodeRow(rows[0]!) as typeof data;
    },

    async findOne({ model, modelKey, where, select, join }) {
      const table = tableOf(model, modelKey);
      const call = {
        operation: "findOne",
        table,
        where,
        join,
        select,
      } as const;
      const rows = await read("findOne", call, { limit: 1 });
      return (rows[0] ?? null) as never;
    },

    async findMany({
      model,
      modelKey,
      where,
      limit,
      select,
      sortBy,
      offset,
      join,
    }) {
      const table = tableOf(model, modelKey);
      const call = {
        operation: "findMany",
        table,
        where,
        join,
        select,
        sortBy,
        offset,
        limit,
      } as const;
      return (await read("findMany", call, { limit, offset, sortBy })) as never;
    },

    async count({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return 0;

      const match = context.staticQueries?.match({
        operation: "count",
        table,
        where,
      });
      const { rows } = match
        ? await runStatic("count", match)
        : await run("count", `count ${model}`, compileCount(table, plan));
      return Number(rows[0]!.count);
    },

    async update({ model, modelKey, where, update }) {
      if (where.length === 0) return null;
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return null;
      if (!hasValues(update as ColumnValues)) {
        const rows = await read(
          "update",
          { operation: "findOne", table, where },
          { limit: 1 },
        );
        return (rows[0] ?? null) as never;
      }

      const statement = compileUpdate(table, plan, update as ColumnValues, {
        oneRow: true,
      });
      const { rows } = await run("update", `update ${model}`, statement);
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },

    async updateMany({ model, modelKey, where, update }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return 0;
      if (!hasValues(update)) {
        const statement = compileCount(table, plan);
        const { rows } = await run("updateMany", `count ${model}`, statement);
        return Number(rows[0]!.count);
      }

      const statement = compileUpdate(table, plan, update, { oneRow: false });
      const result = await run("updateMany", `updateMany ${model}`, statement);
      return result.rowCount;
    },

    async delete({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return;

      await run("delete", `delete ${model}`, compileDelete(table, plan));
    },

    async deleteMany({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return 0;

      const statement = compileDelete(table, plan);
      const result = await run("deleteMany", `deleteMany ${model}`, statement);
      return result.rowCount;
    },

    async consumeOne({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return null;

      const statement = compileConsume(table, plan);
      const { rows } = await run(
        "consumeOne",
        `consumeOne ${model}`,
        statement,
      );
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },

    async incrementOne({ model, modelKey, where, increment, set }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return null;

      const statement = compileIncrement(
        table,
        plan,
        increment,
        set as ColumnValues | undefined,
      );
      const { rows } = await run(
        "incrementOne",
        `incrementOne ${model}`,
        statement,
      );
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },
  };

  /**
   * A findOne or findMany: through a generated static query when one fits
   * the call exactly, otherwise through the where compiler and join planner.
   */
  async function read(
    method: AdapterMethod,
    call: {
      operation: "findOne" | "findMany";
      table: CatalogTable;
      where: CleanedWhere[] | undefined;
      join?: JoinConfig | undefined;
      select?: string[] | undefined;
      sortBy?: SortBy | undefined;
      offset?: number | undefined;
      limit?: number | undefined;
    },
    page: { limit?: number; offset?: number; sortBy?: SortBy | undefined },
  ): Promise<Row[]> {
    const { table } = call;
    const plan = planWhere(table, call.where);
    if (isNever(plan)) return [];

    const match = context.staticQueries?.match(call) ?? null;
    if (match !== null) {
      const { rows } = await runStatic(method, match);
      return rows.map((row) => shapeStaticRow(table, row, match));
    }

    const joins = planJoins(catalog, table, call.join);
    const statement = compileSelect({
      table,
      where: plan,
      columns:
        call.select === undefined || call.select.length === 0
          ? table.manifest.columns
          : call.select.map((field) => table.field(field)),
      sortBy: sortPlan(table, page.sortBy),
      limit: page.limit,
      offset: page.offset,
      joins,
      // A stable order without `sortBy`, the one the static queries use.
      orderByKey: call.operation === "findMany",
    });
    const { rows } = await run(
      method,
      `${call.operation} ${table.manifest.modelName}`,
      statement,
    );
    return rows.map((row) => shapeRow(table, row, joins));
  }

  function runStatic(method: AdapterMethod, match: StaticMatch) {
    context.log?.({ method, name: match.query.name, sql: match.query.sql });
    return context.executor.query<Row>(
      match.query.sql,
      match.values,
      match.query.name,
    );
  }
}

function isNever(plan: WhereNode): boolean {
  return plan.kind === "constant" && !plan.value;
}

function hasValues(data: ColumnValues): boolean {
  return Object.values(data).some((value) => value !== undefined);
}

function sortPlan(table: CatalogTable, sortBy: SortBy | undefined) {
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

function shapeStaticRow(table: CatalogTable, row: Row, match: StaticMatch) {
  table.decodeRow(row);
  for (const join of match.joins) {
    const raw = row[join.column];
    delete row[join.column];
    row[join.key] = raw == null ? null : join.table.decodeJsonRow(raw as Row);
  }
  return row;
}
