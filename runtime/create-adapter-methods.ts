import type { CustomAdapter } from "@better-auth/core/db/adapter";

import { runStatement, type AdapterContext } from "./adapter-context.js";
import {
  compileConsume,
  compileCount,
  compileDelete,
  compileIncrement,
  compileInsert,
  compileUpdate,
  type ColumnValues,
} from "./compile-mutation.js";
import { readRows } from "./read-rows.js";
import { planWhere, type WhereNode } from "./where-plan.js";

/** The methods the adapter factory (or `createDbAdapter`) wraps, all of them. */
export type AdapterEngine = Required<
  Pick<
    CustomAdapter,
    | "create"
    | "findOne"
    | "findMany"
    | "count"
    | "update"
    | "updateMany"
    | "delete"
    | "deleteMany"
    | "consumeOne"
    | "incrementOne"
  >
>;

export type {
  AdapterContext,
  AdapterMethod,
  QueryLog,
} from "./adapter-context.js";

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
export function createAdapterMethods(context: AdapterContext): AdapterEngine {
  const { catalog } = context;
  const run = runStatement.bind(null, context);
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
      const plan = planWhere(table, where);
      if (isNever(plan)) return 0;

      const match = context.staticQueries?.match({
        operation: "count",
        table,
        where,
      });
      const { rows } = match
        ? await run("count", match.query.name, {
            text: match.query.sql,
            values: match.values,
          })
        : await run("count", `count ${model}`, compileCount(table, plan));
      return Number(rows[0]!.count);
    },

    async update({ model, modelKey, where, update }) {
      if (where.length === 0) return null;
      const table = tableOf(model, modelKey);
      const plan = planWhere(table, where);
      if (isNever(plan)) return null;
      if (!hasValues(update as ColumnValues)) {
        const rows = await readRows(context, "update", {
          operation: "findOne",
          table,
          where,
          limit: 1,
        });
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
}

function isNever(plan: WhereNode): boolean {
  return plan.kind === "constant" && !plan.value;
}

function hasValues(data: ColumnValues): boolean {
  return Object.values(data).some((value) => value !== undefined);
}
