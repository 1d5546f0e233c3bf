import type { CustomAdapter } from "@better-auth/core/db/adapter";

import {
  runStatement,
  type AdapterContext,
  type AdapterMethod,
} from "./adapter-context.js";
import {
  compileConsume,
  compileCount,
  compileDelete,
  compileIncrement,
  compileInsert,
  compileUpdate,
  type ColumnValues,
} from "./compile-mutation.js";
import {
  cachedStatement,
  compileAndKeep,
  compileWhere,
  incrementKey,
  isNever,
  mutationKey,
  prepareCount,
  type Statement,
} from "./prepare-statement.js";
import { readRows } from "./read-rows.js";
import { columnsShape } from "./statement-cache.js";
import { planWhere } from "./where-plan.js";

/** The methods the adapter factory (or `createDbAdapter`) wraps, all of them. */
export type AdapterEngine = Required<Pick<CustomAdapter, AdapterMethod>>;

export type {
  AdapterContext,
  AdapterMethod,
  QueryLog,
} from "./adapter-context.js";

/**
 * Better Auth's `CustomAdapter` over PostgreSQL: the methods
 * `createDbAdapter` (or Better Auth's adapter factory) wraps. The wrapper
 * has already mapped field keys to column names in `where` and data,
 * applied defaults and id generation, and turns rows keyed by column names
 * back into Better Auth's shape; these methods plan, compile and run one
 * statement each (none when the where plan cannot match anything), and
 * reuse the statement of an earlier call of the same shape.
 *
 * Every method throws `InvalidQueryError` for an unknown model, column or
 * operator, and the `DatabaseError` family for driver failures.
 */
export function createAdapterMethods(context: AdapterContext): AdapterEngine {
  const { catalog } = context;
  const tableOf = (model: string, modelKey: string | undefined) =>
    catalog.table(modelKey ?? model);

  return {
    async create({ model, modelKey, data }) {
      const table = tableOf(model, modelKey);
      const values = data as ColumnValues;
      const key = `create\u0000${table.manifest.model}\u0000${columnsShape(table, values)}`;
      const statement =
        cachedStatement(context, key, { data: values }) ??
        compileAndKeep(context, key, `create ${model}`, (parameters) =>
          compileInsert(table, values, parameters),
        );
      const { rows } = await run(context, "create", statement);
      return table.decodeRow(rows[0]!) as typeof data;
    },

    async findOne({ model, modelKey, where, select, join }) {
      const table = tableOf(model, modelKey);
      const rows = await readRows(context, "findOne", {
        operation: "findOne",
        table,
        where,
        join,
        select,
        limit: 1,
      });
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
      const rows = await readRows(context, "findMany", {
        operation: "findMany",
        table,
        where,
        join,
        select,
        sortBy,
        offset,
        limit,
      });
      return rows as never;
    },

    async count({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const key = mutationKey("count", table, where);
      const statement =
        cachedStatement(context, key, { where }) ??
        prepareCount(context, key, table, where);
      if (statement === null) return 0;

      const { rows } = await run(context, "count", statement);
      return Number(rows[0]!.count);
    },

    async update({ model, modelKey, where, update }) {
      if (where.length === 0) return null;
      const table = tableOf(model, modelKey);
      const data = update as ColumnValues;
      if (!hasValues(data)) {
        const rows = await readRows(context, "update", {
          operation: "findOne",
          table,
          where,
          limit: 1,
        });
        return (rows[0] ?? null) as never;
      }

      const key = mutationKey("update", table, where, data);
      const statement =
        cachedStatement(context, key, { where, data }) ??
        compileWhere(context, key, `update ${model}`, table, where, (plan, p) =>
          compileUpdate(table, plan, data, { oneRow: true }, p),
        );
      if (statement === null) return null;

      const { rows } = await run(context, "update", statement);
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },

    async updateMany({ model, modelKey, where, update }) {
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return 0;
      if (!hasValues(update)) {
        const statement = compileCount(table, plan);
        const { rows } = await runStatement(
          context,
          "updateMany",
          `count ${model}`,
          statement,
        );
        return Number(rows[0]!.count);
      }

      const statement = compileUpdate(table, plan, update, { oneRow: false });
      const result = await runStatement(
        context,
        "updateMany",
        `updateMany ${model}`,
        statement,
      );
      return result.rowCount;
    },

    async delete({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const key = mutationKey("delete", table, where);
      const statement =
        cachedStatement(context, key, { where }) ??
        compileWhere(context, key, `delete ${model}`, table, where, (plan, p) =>
          compileDelete(table, plan, p),
        );
      if (statement === null) return;

      await run(context, "delete", statement);
    },

    async deleteMany({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const key = mutationKey("deleteMany", table, where);
      const statement =
        cachedStatement(context, key, { where }) ??
        compileWhere(
          context,
          key,
          `deleteMany ${model}`,
          table,
          where,
          (plan, p) => compileDelete(table, plan, p),
        );
      if (statement === null) return 0;

      const result = await run(context, "deleteMany", statement);
      return result.rowCount;
    },

    async consumeOne({ model, modelKey, where }) {
      const table = tableOf(model, modelKey);
      const key = mutationKey("consumeOne", table, where);
      const statement =
        cachedStatement(context, key, { where }) ??
        compileWhere(
          context,
          key,
          `consumeOne ${model}`,
          table,
          where,
          (plan, p) => compileConsume(table, plan, p),
        );
      if (statement === null) return null;

      const { rows } = await run(context, "consumeOne", statement);
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },

    async incrementOne({ model, modelKey, where, increment, set }) {
      const table = tableOf(model, modelKey);
      const data = set as ColumnValues | undefined;
      const key = incrementKey(table, where, increment, data);
      const statement =
        cachedStatement(context, key, { where, increment, data }) ??
        compileWhere(
          context,
          key,
          `incrementOne ${model}`,
          table,
          where,
          (plan, p) => compileIncrement(table, plan, increment, data, p),
        );
      if (statement === null) return null;

      const { rows } = await run(context, "incrementOne", statement);
      return (rows[0] === undefined ? null : table.decodeRow(rows[0])) as never;
    },
  };
}

function run(
  context: AdapterContext,
  method: Parameters<typeof runStatement>[1],
  statement: Statement,
) {
  return runStatement(context, method, statement.name, statement);
}

function hasValues(data: ColumnValues): boolean {
  for (const name of Object.keys(data)) {
    if (data[name] !== undefined) return true;
  }
  return false;
}
