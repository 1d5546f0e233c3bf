import type { BetterAuthOptions } from "better-auth";
import type pg from "pg";

import { migrationsOf } from "../../generator/migrations/migration-files.js";
import { planMigrationFiles } from "../../generator/migrations/plan-migration-files.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import {
  runMigrations,
  type MigrationOptions,
  type MigrationResult,
} from "../../runtime/run-migrations.js";

/** The migrations folder as `generate` would leave it for these options. */
export function generateMigrations(
  auth: BetterAuthOptions,
  existing: ReadonlyMap<string, string> = new Map(),
) {
  return planMigrationFiles({
    manifest: resolveSchema({ auth }),
    existing,
    auth,
  });
}

/** Applies a migrations folder the way `migrate` does. */
export function applyMigrationFiles(
  pool: pg.Pool,
  files: ReadonlyMap<string, string>,
  options?: MigrationOptions,
): Promise<MigrationResult> {
  return runMigrations(pool, migrationsOf(files), options);
}

export interface CatalogColumn {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  identity: string;
  default: string | null;
}

/** Every column of the user tables in one schema, as pg_catalog has them. */
export async function catalogColumns(
  pool: pg.Pool,
  schema = "public",
): Promise<CatalogColumn[]> {
  const { rows } = await pool.query<CatalogColumn>(
    `SELECT c.relname AS "table", a.attname AS "column",
            pg_catalog.format_type(a.atttypid, a.atttypmod) AS "type",
            NOT a.attnotnull AS "nullable", a.attidentity AS "identity",
            pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default"
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_attrdef d
              ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0
        AND NOT a.attisdropped AND c.relname <> 'pg_auth_codegen_migrations'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  return rows;
}

/** Foreign keys in the database as `table.column -> schema.table.column`. */
export async function catalogForeignKeys(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ key: string }>(
    `SELECT t.relname || '.' || a.attname || ' -> ' || fn.nspname || '.'
            || ft.relname || '.' || fa.attname AS "key"
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_class t ON t.oid = k.conrelid
       JOIN pg_catalog.pg_attribute a
         ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       JOIN pg_catalog.pg_class ft ON ft.oid = k.confrelid
       JOIN pg_catalog.pg_namespace fn ON fn.oid = ft.relnamespace
       JOIN pg_catalog.pg_attribute fa
         ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[1]
      WHERE k.contype = 'f'
      ORDER BY 1`,
  );
  return rows.map((row) => row.key);
}
