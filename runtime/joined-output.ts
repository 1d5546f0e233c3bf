import type { JoinConfig } from "@better-auth/core/db/adapter";
import type { createLogger } from "@better-auth/core/env";

import type { AuthModel } from "./auth-model.js";
import type { AuthSchema } from "./auth-schema.js";
import type { AdapterEngine } from "./create-adapter-methods.js";

type Row = Record<string, unknown>;

/** Runs an engine call inside Better Auth's tracing span for it. */
export type SpanRunner = <T>(
  operation: string,
  model: AuthModel,
  run: () => Promise<T>,
) => Promise<T>;

/** What `createJoinedOutput` needs from the adapter it serves. */
export interface JoinedOutputParts {
  readonly schema: AuthSchema;
  readonly engine: AdapterEngine;
  readonly span: SpanRunner;
  readonly logger: ReturnType<typeof createLogger>;
}

/** Shapes a row read with `join` as Better Auth expects it back. */
export type JoinedOutput = (
  model: AuthModel,
  row: Row | null,
  select: readonly string[] | undefined,
  join: JoinConfig,
) => Promise<Row | null>;

/**
 * The adapter factory's output transform for reads with joins: the base row
 * decoded, and each joined model under its key, decoded too, as an object
 * (or null) for one-to-one and an array for one-to-many. With
 * `advanced.database.joins` on, the engine already embedded the related
 * rows; with it off (Better Auth's default), they are read here with one
 * query per joined model and row, as the factory does.
 *
 * @throws whatever the engine throws for those reads.
 */
export function createJoinedOutput(parts: JoinedOutputParts): JoinedOutput {
  const { schema, engine, span, logger } = parts;
  const { options } = schema;

  /** Joins without native support: one query per joined model and row. */
  const fetchJoined = async (
    base: AuthModel,
    output: Row,
    name: string,
    config: JoinConfig[string],
  ): Promise<unknown> => {
    const joined = schema.model(config.modelKey ?? name);
    const value = output[base.field(config.on.from).key];
    if (value === null || value === undefined) {
      return config.relation === "one-to-one" ? null : [];
    }

    const where = joined.cleanWhere([
      { field: config.on.to, value: value as never, operator: "eq" },
    ])!;
    const target = { model: joined.name, modelKey: joined.key, where };
    try {
      if (config.relation === "one-to-one") {
        return await span("findOne", joined, () => engine.findOne(target));
      }
      const limit =
        config.limit ?? options.advanced?.database?.defaultFindManyLimit ?? 100;
      return await span("findMany", joined, () =>
        engine.findMany({ ...target, limit }),
      );
    } catch (error) {
      // The factory logs the where values too; ours never logs values.
      logger.error(`Failed to query fallback join for model ${joined.name}.`);
      throw error;
    }
  };

  return async (model, row, select, join) => {
    const output = await model.decode(row, select);
    if (output === null) return output;

    for (const [name, config] of Object.entries(join)) {
      const key = config.modelKey ?? schema.model(name).key;
      const joined = schema.model(key);
      let related: unknown =
        options.advanced?.database?.joins && name in row!
          ? row![name]
          : await fetchJoined(model, output, name, config);

      const oneToOne = config.relation === "one-to-one";
      if (related === undefined || related === null) {
        related = oneToOne ? null : [];
      }
      if (!oneToOne && !Array.isArray(related)) related = [related];
      const items = Array.isArray(related) ? related : [related];
      const shaped: (Row | null)[] = [];
      for (const item of items) shaped.push(await joined.decode(item as Row));
      output[key] = (oneToOne ? shaped[0] : shaped) ?? null;
    }
    return output;
  };
}
