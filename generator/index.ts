// The package root, `pg-auth-codegen`: the programmatic entry for apps that
// build the adapter from their options at run time instead of generating it.
import type { BetterAuthOptions } from "better-auth";
import type {
  DBAdapter,
  DBAdapterDebugLogOption,
} from "@better-auth/core/db/adapter";

import type { QueryLog } from "../runtime/create-adapter-methods.js";
import {
  checkPreparedStatementsSetting,
  type PreparedStatementsSetting,
} from "../runtime/prepared-statements.js";
import { createPgAdapter } from "../runtime/create-pg-adapter.js";
import type { SchemaManifest } from "../runtime/schema-manifest.js";
import {
  connectionFor,
  type PgDatabase,
  type SqlConnection,
} from "../runtime/sql-connection.js";
import { planSchemaDdl } from "./ddl/plan-schema-ddl.js";
import { renderDdl } from "./ddl/render-ddl.js";
import { planStaticQueries } from "./queries/plan-static-queries.js";
import { resolveSchema } from "./schema/resolve-schema.js";

export interface PgAuthAdapterOptions {
  /** Put every table in this Postgres schema, e.g. `internal`. */
  readonly schema?: string | undefined;
  /** Better Auth's `usePlural`: table names get an `s`. */
  readonly usePlural?: boolean | undefined;
  /** Log each statement's name and SQL (never its values). */
  readonly debugLogs?: DBAdapterDebugLogOption | undefined;
  /** Where debug logs go; by default Better Auth's logger. */
  readonly logger?: QueryLog | undefined;
  /** Named prepared statements; see `SqlConnectionOptions`. */
  readonly preparedStatements?: PreparedStatementsSetting | undefined;
}

/**
 * The Better Auth adapter for any options, resolved in memory: pass
 * `pgAuthAdapter(pool)` as `betterAuth({ database })`. The schema manifest
 * and static queries are derived from the options Better Auth hands over,
 * once per options object. The generated `generated/adapter.ts` does the
 * same from committed files, with no work at start-up.
 *
 * @throws {CodegenError} (when Better Auth builds the adapter) if the
 * options describe something PostgreSQL cannot hold.
 */
export function pgAuthAdapter(
  database: PgDatabase | SqlConnection,
  adapterOptions: PgAuthAdapterOptions = {},
): (options: BetterAuthOptions) => DBAdapter<BetterAuthOptions> {
  // Now, like the generated adapter, not when Better Auth first builds it.
  if (adapterOptions.preparedStatements !== undefined) {
    checkPreparedStatementsSetting(adapterOptions.preparedStatements);
  }
  const built = new WeakMap<
    BetterAuthOptions,
    (options: BetterAuthOptions) => DBAdapter<BetterAuthOptions>
  >();

  return (options) => {
    let build = built.get(options);
    if (build === undefined) {
      const manifest = manifestFor(options, adapterOptions);
      build = createPgAdapter({
        database,
        manifest,
        staticQueries: planStaticQueries(manifest),
        debugLogs: adapterOptions.debugLogs,
        logger: adapterOptions.logger,
        preparedStatements: adapterOptions.preparedStatements,
      });
      built.set(options, build);
    }
    return build(options);
  };
}

/**
 * Creates every table, index and foreign key these options need, in one
 * transaction, on a database that has none of them yet (the DDL is not
 * idempotent; use the migration runner for an existing schema).
 *
 * @throws {CodegenError} for options PostgreSQL cannot hold, or a
 * `DatabaseError` when a statement fails (nothing is left applied).
 */
export async function applySchema(
  database: PgDatabase | SqlConnection,
  options: BetterAuthOptions,
  adapterOptions: Pick<PgAuthAdapterOptions, "schema" | "usePlural"> = {},
): Promise<SchemaManifest> {
  const manifest = manifestFor(options, adapterOptions);
  const ddl = renderDdl(planSchemaDdl(manifest));

  // Without parameters node-postgres uses the simple protocol, which
  // accepts the whole script as one multi-statement query.
  await connectionFor(database).transaction((executor) =>
    executor.query(ddl, [], "applySchema"),
  );
  return manifest;
}

function manifestFor(
  options: BetterAuthOptions,
  adapterOptions: Pick<PgAuthAdapterOptions, "schema" | "usePlural">,
): SchemaManifest {
  return resolveSchema({
    auth: options,
    schema: adapterOptions.schema,
    usePlural: adapterOptions.usePlural,
  });
}

export { createPgAdapter } from "../runtime/create-pg-adapter.js";
export { defineConfig, type CodegenConfig } from "./config.js";
