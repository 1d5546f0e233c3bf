import type { BetterAuthOptions } from "better-auth";

import { planSchemaDdl } from "../../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../../generator/ddl/render-ddl.js";
import {
  resolveSchema,
  type SchemaOptions,
} from "../../generator/schema/resolve-schema.js";
import type {
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

/** The options the rate-limit tests resolve their schema from. */
export const RATE_LIMIT_AUTH = {
  rateLimit: { storage: "database", enabled: true },
} satisfies BetterAuthOptions;

export interface RateLimitDatabase extends TestDatabase {
  readonly manifest: SchemaManifest;
  /** The rateLimit table of `manifest`. */
  readonly table: TableManifest;
}

/**
 * A private test database holding the tables our DDL creates for `schema`
 * (by default just the rate-limit options above).
 */
export async function createRateLimitDatabase(
  label: string,
  schema: SchemaOptions = { auth: RATE_LIMIT_AUTH },
): Promise<RateLimitDatabase> {
  const manifest = resolveSchema(schema);
  const database = await createTestDatabase(label);
  await database.pool.query(renderDdl(planSchemaDdl(manifest)));

  const table = manifest.tables.find((found) => found.model === "rateLimit");
  if (table === undefined)
    throw new Error("The schema has no rateLimit table.");
  return { ...database, manifest, table };
}
