import type { BetterAuthOptions } from "@better-auth/core";
import { getAuthTables, type BetterAuthDBSchema } from "@better-auth/core/db";
import type {
  DBAdapter,
  DBAdapterDebugLogOption,
} from "@better-auth/core/db/adapter";
import { createLogger } from "@better-auth/core/env";

import { AuthSchema } from "./auth-schema.js";
import { checkManifestCovers } from "./check-manifest-covers.js";
import {
  createAdapterMethods,
  type AdapterMethod,
  type QueryLog,
} from "./create-adapter-methods.js";
import { createDbAdapter } from "./create-db-adapter.js";
import {
  preparedScope,
  type PreparedStatementsSetting,
} from "./prepared-statements.js";
import { schemaCatalogFor } from "./schema-catalog.js";
import type { SchemaManifest } from "./schema-manifest.js";
import {
  connectionFor,
  SqlConnection,
  type PgDatabase,
} from "./sql-connection.js";
import { StatementCache } from "./statement-cache.js";
import type { StaticQuery } from "./static-query.js";
import { StaticQueryIndex } from "./static-query-index.js";

export const ADAPTER_ID = "pg-auth-codegen";

/** What `betterAuth({ database })` accepts from this package. */
export type PgAuthAdapterFactory = (
  options: BetterAuthOptions,
) => DBAdapter<BetterAuthOptions>;

export interface PgAdapterConfig {
  /** A `pg.Pool`, a single connected `pg.Client`, or a `SqlConnection`. */
  readonly database: PgDatabase | SqlConnection;
  /** The schema the tables were created from (`generated/schema.ts`). */
  readonly manifest: SchemaManifest;
  /** Generated reads to run as they are when a call matches their shape. */
  readonly staticQueries?: readonly StaticQuery[] | undefined;
  /**
   * Better Auth's `debugLogs`: `true` logs every statement, an object only
   * the methods it enables. Logs carry the query name and SQL, never values.
   */
  readonly debugLogs?: DBAdapterDebugLogOption | undefined;
  /** Where debug logs go; by default Better Auth's logger at info level. */
  readonly logger?: QueryLog | undefined;
  /** Better Auth's `usePlural`; defaults to the manifest's. */
  readonly usePlural?: boolean | undefined;
  /**
   * Named prepared statements: `"auto"` (default) on a direct connection
   * only, `true` always (PgBouncer 1.21+ with `max_prepared_statements`),
   * `false` never. See `SqlConnectionOptions.preparedStatements`.
   */
  readonly preparedStatements?: PreparedStatementsSetting | undefined;
}

/** What a generated `pgAuthAdapter` lets the app choose. */
export type PgAdapterOptions = Pick<
  PgAdapterConfig,
  "debugLogs" | "logger" | "preparedStatements"
>;

/**
 * Builds the Better Auth database adapter over node-postgres: pass the
 * result to `betterAuth({ database })`.
 *
 * It implements Better Auth's `DBAdapter` directly (`createDbAdapter`),
 * with the adapter factory's behaviour and none of its per-call lookups.
 * Reads that match a generated static query run its SQL; every other call
 * goes through the where compiler and join planner, in one statement.
 * `transaction` runs its callback on one connection (a dedicated pooled
 * client, or the single client behind its gate), commits when it resolves
 * and rolls everything back when it throws. A `transaction` inside another,
 * or any adapter call made inside one (even through the outer adapter),
 * joins the open transaction instead of asking for a second connection, so
 * `new Pool({ max: 1 })` never waits on itself.
 *
 * @throws {Error} when `usePlural` disagrees with the manifest, which would
 * make Better Auth ask for tables the manifest does not name; and, once
 * Better Auth calls the returned function, a `SchemaMismatchError` when its
 * options have a model or column the manifest lacks.
 */
export function createPgAdapter(config: PgAdapterConfig): PgAuthAdapterFactory {
  const usePlural = config.usePlural ?? config.manifest.usePlural;
  if (usePlural !== config.manifest.usePlural) {
    throw new Error(
      `usePlural is ${usePlural} but the schema manifest was generated with usePlural ${config.manifest.usePlural}; regenerate or drop the option.`,
    );
  }

  const connection = connectionFor(config.database, config.preparedStatements);
  const catalog = schemaCatalogFor(config.manifest);
  const staticQueries =
    config.staticQueries === undefined
      ? null
      : new StaticQueryIndex(catalog, config.staticQueries);

  const statements = new StatementCache();
  const scope = preparedScope(config.manifest);
  const checked = new WeakSet<BetterAuthOptions>();

  return (options) => {
    // A fresh copy per options object, as the adapter factory makes one:
    // the unmanaged-reference fix below edits it.
    const tables = getAuthTables(options);
    if (!checked.has(options)) {
      checkManifestCovers(catalog, tables, options, usePlural);
      checked.add(options);
    }
    ignoreUnmanagedReferences(tables, usePlural);

    const schema = new AuthSchema(tables, options, usePlural);
    const engine = createAdapterMethods({
      catalog,
      executor: connection,
      staticQueries,
      statements,
      log: queryLogFor(config, options),
      preparedScope: scope,
    });
    const adapterConfig = describeAdapter(usePlural);

    // The adapter handed to a transaction callback is an ordinary one:
    // SqlConnection sends its statements to the transaction's client.
    let inTransaction: DBAdapter<BetterAuthOptions> | undefined;
    const transaction = <R>(
      callback: (adapter: DBAdapter<BetterAuthOptions>) => Promise<R>,
    ): Promise<R> =>
      connection.transaction(() =>
        callback(
          (inTransaction ??= createDbAdapter({
            schema,
            engine,
            adapterConfig: { ...adapterConfig, transaction: false },
          })),
        ),
      );
    return createDbAdapter({
      schema,
      engine,
      adapterConfig: { ...adapterConfig, transaction },
      transaction,
    });
  };
}

/**
 * What `adapter.options.adapterConfig` says, as `createAdapterFactory`
 * would fill it in for this adapter (Better Auth's test suites read it).
 */
function describeAdapter(usePlural: boolean) {
  return {
    adapterId: ADAPTER_ID,
    adapterName: ADAPTER_ID,
    usePlural,
    supportsJSON: true,
    supportsDates: true,
    supportsBooleans: true,
    supportsArrays: true,
    supportsUUIDs: true,
    supportsNumericIds: true,
    disableTransformInput: false,
    disableTransformOutput: false,
    disableTransformJoin: false,
  };
}

/**
 * Better Auth's join resolution looks up the model of every reference on
 * both sides of a join and throws when one names a table Better Auth does
 * not manage (an app's `roles`, better-auth #10716), breaking every
 * session+user join. `getAuthTables` builds a fresh copy of the schema on
 * every call (each `fields` object is a new spread), so replacing such fields
 * with copies that carry no reference fixes resolution without touching
 * the app's options. Nothing is lost: the manifest keeps the reference as
 * `unmanagedReference`, and its column is plain text either way.
 */
function ignoreUnmanagedReferences(
  schema: BetterAuthDBSchema,
  usePlural: boolean,
): void {
  const managed = (name: string): boolean =>
    Object.hasOwn(schema, name) ||
    Object.values(schema).some((table) => table.modelName === name) ||
    (usePlural && name.endsWith("s") && managed(name.slice(0, -1)));

  for (const table of Object.values(schema)) {
    for (const [field, attribute] of Object.entries(table.fields)) {
      if (attribute.references && !managed(attribute.references.model)) {
        const { references: _unmanaged, ...rest } = attribute;
        table.fields[field] = rest;
      }
    }
  }
}

/**
 * Better Auth's own debug logging prints data and where values; ours prints
 * the statement only, honouring the per-method switches of `debugLogs`.
 */
function queryLogFor(
  config: PgAdapterConfig,
  options: BetterAuthOptions,
): QueryLog | null {
  const { debugLogs } = config;
  if (debugLogs === undefined || debugLogs === false) return null;
  if (typeof debugLogs === "object" && "isRunningAdapterTests" in debugLogs) {
    return null;
  }

  const sink =
    config.logger ??
    (() => {
      const logger = createLogger({ ...options.logger, level: "info" });
      return ({ name, sql }: { name: string; sql: string }) =>
        logger.info(`[${ADAPTER_ID}] ${name}: ${sql}`);
    })();
  if (debugLogs === true) return sink;

  return (event) => {
    if (debugLogs.logCondition !== undefined && !debugLogs.logCondition()) {
      return;
    }
    if (debugLogs[event.method as AdapterMethod] === true) sink(event);
  };
}
