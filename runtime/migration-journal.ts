import { createHash } from "node:crypto";

import { MigrationError } from "./migration-error.js";
import { quoteIdentifier, quoteTableName } from "./quote-identifier.js";
import type { SqlExecutor } from "./sql-connection.js";

/** The table that records which migrations ran, in the journal's schema. */
export const MIGRATION_JOURNAL_TABLE = "pg_auth_codegen_migrations";

/** Where the journal lives and the advisory lock that guards it. */
export interface MigrationJournal {
  readonly schema: string;
  readonly qualifiedName: string;
  /** A signed 64-bit key for `pg_advisory_xact_lock`, as decimal text. */
  readonly lockKey: string;
}

/**
 * Locates the journal: in `schema` when given, otherwise in the session's
 * `current_schema()`, which is the schema unqualified tables would go to.
 * It is resolved once and then written into every statement, so later
 * `search_path` changes cannot move it.
 *
 * @throws {MigrationError} when no schema is given and `search_path` names
 * no existing schema.
 */
export async function resolveJournal(
  executor: SqlExecutor,
  schema: string | undefined,
): Promise<MigrationJournal> {
  const resolved = schema ?? (await currentSchema(executor));
  const qualifiedName = quoteTableName(resolved, MIGRATION_JOURNAL_TABLE);
  return {
    schema: resolved,
    qualifiedName,
    lockKey: lockKeyFor(qualifiedName),
  };
}

async function currentSchema(executor: SqlExecutor): Promise<string> {
  const { rows } = await executor.query<{ schema: string | null }>(
    "SELECT pg_catalog.current_schema() AS schema",
    [],
    "migrations.currentSchema",
  );
  const schema = rows[0]?.schema ?? null;
  if (schema === null) {
    throw new MigrationError(
      "The connection has no current schema (search_path names no existing schema); pass the schema option.",
    );
  }
  return schema;
}

/**
 * Different journals get different locks, so runners for two schemas of one
 * database do not wait for each other; the key is a hash so it cannot clash
 * with small integer keys an app may use.
 */
function lockKeyFor(qualifiedName: string): string {
  const digest = createHash("sha256")
    .update(`pg-auth-codegen migrations ${qualifiedName}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Takes the journal's advisory lock for the rest of the transaction. Every
 * runner takes it before reading the journal, so a file another runner is
 * applying is seen as applied once the lock is granted.
 */
export async function lockJournal(
  executor: SqlExecutor,
  journal: MigrationJournal,
): Promise<void> {
  await executor.query(
    "SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)",
    [journal.lockKey],
    "migrations.lock",
  );
}

/**
 * Creates the journal table, and its schema when `createSchema` allows, each
 * only when missing: `CREATE ... IF NOT EXISTS` still demands the CREATE
 * privilege when the object exists, which a deploy role may lack. Call it
 * under the lock so two first runs do not race on the catalog.
 *
 * @throws {MigrationError} when the schema is missing and may not be created.
 */
export async function prepareJournal(
  executor: SqlExecutor,
  journal: MigrationJournal,
  createSchema: boolean,
): Promise<void> {
  const { rows } = await executor.query<{ schema: boolean; table: boolean }>(
    `SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1) AS schema,
            pg_catalog.to_regclass($2) IS NOT NULL AS table`,
    [journal.schema, journal.qualifiedName],
    "migrations.inspectJournal",
  );
  const found = rows[0]!;
  if (found.table) return;

  if (!found.schema) {
    if (!createSchema) {
      throw new MigrationError(
        `Schema "${journal.schema}" does not exist; create it, or run the migrations with the createSchema option (--create-schema).`,
      );
    }
    await executor.query(
      `CREATE SCHEMA ${quoteIdentifier(journal.schema)}`,
      [],
      "migrations.createSchema",
    );
  }

  await executor.query(
    `CREATE TABLE ${journal.qualifiedName} (
  "name" text NOT NULL PRIMARY KEY,
  "checksum" text NOT NULL,
  "appliedAt" timestamptz NOT NULL DEFAULT pg_catalog.now()
)`,
    [],
    "migrations.createJournal",
  );
}

/** The applied migrations: name to sha256 checksum. */
export async function readJournal(
  executor: SqlExecutor,
  journal: MigrationJournal,
): Promise<Map<string, string>> {
  const { rows } = await executor.query<{ name: string; checksum: string }>(
    `SELECT "name", "checksum" FROM ${journal.qualifiedName}`,
    [],
    "migrations.readJournal",
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

export async function recordMigration(
  executor: SqlExecutor,
  journal: MigrationJournal,
  name: string,
  checksum: string,
): Promise<void> {
  await executor.query(
    `INSERT INTO ${journal.qualifiedName} ("name", "checksum") VALUES ($1, $2)`,
    [name, checksum],
    "migrations.record",
  );
}
