import type { BetterAuthOptions } from "@better-auth/core";
import type {
  CleanedWhere,
  DBAdapter,
  DBAdapterFactoryConfig,
  JoinConfig,
} from "@better-auth/core/db/adapter";
import { createLogger } from "@better-auth/core/env";
import { BetterAuthError } from "@better-auth/core/error";
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  createWithSpan,
} from "@better-auth/core/instrumentation";

import type { AuthSchema } from "./auth-schema.js";
import type { AdapterEngine } from "./create-adapter-methods.js";
import { createJoinedOutput, type SpanRunner } from "./joined-output.js";

type Row = Record<string, unknown>;

/** What `createDbAdapter` assembles. */
export interface DbAdapterParts {
  readonly schema: AuthSchema;
  /** Runs one statement per call on rows keyed by column names. */
  readonly engine: AdapterEngine;
  /** What `adapter.options.adapterConfig` reports (tests read it). */
  readonly adapterConfig: DBAdapterFactoryConfig<BetterAuthOptions> & {
    adapterId: string;
  };
  /**
   * Runs a callback in a transaction, handing it an adapter; without one,
   * `transaction` runs the callback with this adapter, as the factory does
   * for adapters without transactions.
   */
  readonly transaction?:
    | (<R>(
        run: (adapter: DBAdapter<BetterAuthOptions>) => Promise<R>,
      ) => Promise<R>)
    | undefined;
}

/**
 * Better Auth's `DBAdapter`, implemented directly instead of through
 * `createAdapterFactory`. The factory resolves model and field names
 * through generic lookups over the whole schema on every call, formats
 * debug-log arguments (reading a dozen environment variables) even when
 * logging is off, and shapes every row field by field through those
 * lookups; with the schema known up front, `AuthSchema` and `AuthModel`
 * do that work once and each call only applies it.
 *
 * Behaviour is the factory's (Better Auth 1.7): the same input and output
 * transforms, id generation, join resolution (native when
 * `advanced.database.joins` is on, one query per joined model otherwise),
 * the same errors and the same tracing spans. Only debug logging differs:
 * the engine logs statements, never values.
 *
 * @throws {BetterAuthError} (from each method) for unknown models or
 * fields and the factory's other argument errors; the engine's errors
 * otherwise.
 */
export function createDbAdapter(
  parts: DbAdapterParts,
): DBAdapter<BetterAuthOptions> {
  const { schema, engine, adapterConfig } = parts;
  const { options } = schema;
  const withSpan = createWithSpan(options);
  const logger = createLogger(options.logger);
  const span: SpanRunner = (operation, model, run) =>
    withSpan(
      `db ${operation} ${model.name}`,
      {
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_COLLECTION_NAME]: model.name,
      },
      run,
    );

  const shape = createJoinedOutput({ schema, engine, span, logger });

  /** Whether the adapter gets the join or the factory's fallback runs. */
  const nativeJoin = (join: JoinConfig | undefined) =>
    join !== undefined &&
    (options.advanced?.database?.joins || Object.keys(join).length === 0)
      ? join
      : undefined;

  const adapter: DBAdapter<BetterAuthOptions> = {
    id: adapterConfig.adapterId,
    options: { adapterConfig },

    transaction: (callback) =>
      parts.transaction ? parts.transaction(callback) : callback(adapter),

    async create({ model: name, data, select, forceAllowId = false }) {
      const model = schema.model(name);
      if ("id" in data && data.id !== undefined && !forceAllowId) {
        warnIgnoredId(
          logger,
          adapterConfig.adapterName ?? adapterConfig.adapterId,
        );
        (data as Row).id = undefined;
      }
      const encoding = model.encode(data as Row, "create", forceAllowId);
      const encoded = encoding instanceof Promise ? await encoding : encoding;
      const row = await span("create", model, () =>
        engine.create({
          data: encoded,
          model: model.name,
          modelKey: model.key,
        }),
      );
      return model.decode(row, select) as never;
    },

    async findOne({ model: name, where: clauses, select, join: option }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses);
      const resolved = schema.resolveJoin(model, option, select);
      const join = resolved?.join;
      const selected = resolved === undefined ? select : resolved.select;
      const row = await span("findOne", model, () =>
        engine.findOne<Row>({
          model: model.name,
          modelKey: model.key,
          where: where as CleanedWhere[],
          select: selected,
          join: nativeJoin(join),
        }),
      );
      if (join === undefined) return model.decode(row, selected) as never;
      return shape(model, row, selected, join) as never;
    },

    async findMany({
      model: name,
      where: clauses,
      limit,
      select,
      sortBy,
      offset,
      join: option,
    }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses);
      const resolved = schema.resolveJoin(model, option, select);
      const join = resolved?.join;
      const rows = await span("findMany", model, () =>
        engine.findMany<Row>({
          model: model.name,
          modelKey: model.key,
          where,
          limit:
            limit ?? options.advanced?.database?.defaultFindManyLimit ?? 100,
          select: resolved === undefined ? select : resolved.select,
          sortBy,
          offset,
          join: nativeJoin(join),
        }),
      );
      // Like the factory, rows come back whole whatever `select` said.
      if (join === undefined) {
        return all(rows.map((row) => model.decode(row))) as never;
      }
      return (await Promise.all(
        rows.map((row) => shape(model, row, undefined, join)),
      )) as never;
    },

    async count({ model: name, where: clauses }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses);
      return span("count", model, () =>
        engine.count({ model: model.name, modelKey: model.key, where }),
      );
    },

    async update({ model: name, where: clauses, update }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      if (where.length === 0) return null;
      const encoding = model.encode(update, "update");
      const data = encoding instanceof Promise ? await encoding : encoding;
      const row = await span("update", model, () =>
        engine.update<Row>({
          model: model.name,
          modelKey: model.key,
          where,
          update: data,
        }),
      );
      return model.decode(row) as never;
    },

    async updateMany({ model: name, where: clauses, update }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      const encoding = model.encode(update, "update");
      const data = encoding instanceof Promise ? await encoding : encoding;
      const count = await span("updateMany", model, () =>
        engine.updateMany({
          model: model.name,
          modelKey: model.key,
          where,
          update: data,
        }),
      );
      if (typeof count !== "number" || !Number.isFinite(count)) {
        throw new BetterAuthError(
          `Adapter "${adapterConfig.adapterId}" updateMany must return a finite number affected row count.`,
        );
      }
      return count;
    },

    async delete({ model: name, where: clauses }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      await span("delete", model, () =>
        engine.delete({ model: model.name, modelKey: model.key, where }),
      );
    },

    async deleteMany({ model: name, where: clauses }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      return span("deleteMany", model, () =>
        engine.deleteMany({ model: model.name, modelKey: model.key, where }),
      );
    },

    async consumeOne({ model: name, where: clauses }) {
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      const row = await span("consumeOne", model, () =>
        engine.consumeOne<Row>({
          model: model.name,
          modelKey: model.key,
          where,
        }),
      );
      return (row ? model.decode(row) : row) as never;
    },

    async incrementOne({ model: name, where: clauses, increment, set }) {
      const hasIncrement = Object.keys(increment).length > 0;
      const hasSet = !!set && Object.keys(set).length > 0;
      if (!hasIncrement && !hasSet) {
        throw new BetterAuthError(
          "incrementOne requires a non-empty `increment` or `set`; both were empty.",
        );
      }
      const model = schema.model(name);
      const where = model.cleanWhere(clauses)!;
      const deltas: Record<string, number> = {};
      for (const [field, delta] of Object.entries(increment)) {
        deltas[model.field(field).column] = delta;
      }
      // An empty `set` still gets the `onUpdate` fields, as in the factory.
      // Awaited only when a transform is asynchronous: every promise
      // costs once Better Auth's request context turns async hooks on.
      const encoding = set ? model.encode(set, "update") : set;
      const values = encoding instanceof Promise ? await encoding : encoding;
      if (
        Object.keys(deltas).length === 0 &&
        (!values || Object.keys(values).length === 0)
      ) {
        throw new BetterAuthError(
          "incrementOne resolved to an empty update: every increment/set field was unknown to the schema or transformed away.",
        );
      }
      const row = await span("incrementOne", model, () =>
        engine.incrementOne<Row>({
          model: model.name,
          modelKey: model.key,
          where,
          increment: deltas,
          set: values,
        }),
      );
      return (row ? model.decode(row) : row) as never;
    },
  };
  return adapter;
}

/** Like `Promise.all`, but the array itself when nothing is pending. */
function all<T>(values: readonly (T | Promise<T>)[]): T[] | Promise<T[]> {
  for (const value of values) {
    if (value instanceof Promise) return Promise.all(values);
  }
  return values as T[];
}

/** The factory's warning when `create` gets an id without `forceAllowId`. */
function warnIgnoredId(
  logger: ReturnType<typeof createLogger>,
  adapterName: string,
): void {
  logger.warn(
    `[${adapterName}] - You are trying to create a record with an id. This is not allowed as we handle id generation for you, unless you pass in the \`forceAllowId\` parameter. The id will be ignored.`,
  );
  const stack = new Error().stack
    ?.split("\n")
    .filter((_, index) => index !== 1)
    .join("\n")
    .replace("Error:", "Create method with `id` being called at:");
  console.log(stack);
}
