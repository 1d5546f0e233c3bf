import { createHash } from "node:crypto";

import { findTransactionControl } from "./find-transaction-control.js";
import { MigrationError } from "./migration-error.js";
import {
  lockJournal,
  prepareJournal,
  readJournal,
  recordMigration,
  resolveJournal,
  type MigrationJournal,
} from "./migration-journal.js";
import {
  connectionFor,
  SqlConnection,
  type PgDatabase,
  type SqlExecutor,
} from "./sql-connection.js";

/** One migration file: its name orders it, its text is applied as is. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export interface MigrationOptions {
  /** The schema of the journal table; `current_schema()` when omitted. */
  readonly schema?: string | undefined;
  /** Create that schema when it is missing (never otherwise). */
  readonly createSchema?: boolean | undefined;
}

export interface MigrationResult {
  /** The migrations this call applied, in order. */
  readonly applied: readonly string[];
}

/**
 * Applies the migrations the database has not recorded yet, in name order,
 * each in its own transaction together with its journal row. Every
 * transaction first takes a transaction-level advisory lock and re-reads the
 * journal, so runners started at once (several app instances booting) apply
 * each file exactly once. A file that fails rolls back entirely, stays
 * unrecorded, and stops the run.
 *
 * Migration text runs through the simple query protocol, so a file may hold
 * many statements. Before anything runs, pending files are refused when
 * they hold top-level transaction control (BEGIN, COMMIT, ROLLBACK,
 * SAVEPOINT...) or a statement that cannot run in a transaction (VACUUM,
 * CREATE INDEX CONCURRENTLY); after each file the runner checks that its
 * transaction is still the one it opened.
 *
 * @throws {MigrationError} naming the file when an applied file's text
 * changed (checksum), when an applied file is missing from the list, when a
 * pending file sorts before one already applied, when a pending file holds
 * transaction control, when a file fails or ends the transaction itself,
 * or when the journal's schema is missing and `createSchema` is not set.
 */
export async function runMigrations(
  database: PgDatabase | SqlConnection,
  migrations: readonly Migration[],
  options: MigrationOptions = {},
): Promise<MigrationResult> {
  const connection = connectionFor(database);
  const ordered = orderMigrations(migrations);

  const journal = await connection.transaction(async (executor) => {
    const located = await resolveJournal(executor, options.schema);
    await lockJournal(executor, located);
    await prepareJournal(executor, located, options.createSchema === true);
    checkPendingFiles(await readJournal(executor, located), ordered);
    return located;
  });

  const applied: string[] = [];
  for (const migration of ordered) {
    const ran = await connection.transaction((executor) =>
      applyIfPending(executor, journal, ordered, migration),
    );
    if (ran) applied.push(migration.name);
  }
  return { applied };
}

/**
 * The sha256 of a migration's text, with `\r\n` read as `\n` so a checkout
 * that converts line endings does not look like an edited file.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/**
 * Orders migration names by their leading sequence number, then as text, so
 * `10000_x` follows `9999_y` once four digits run out.
 */
export function compareMigrationNames(a: string, b: string): number {
  const numberA = /^\d+/.exec(a)?.[0];
  const numberB = /^\d+/.exec(b)?.[0];
  if (numberA !== undefined && numberB !== undefined) {
    const byNumber = BigInt(numberA) - BigInt(numberB);
    if (byNumber !== 0n) return byNumber < 0n ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The migrations in the order they apply.
 *
 * @throws {MigrationError} when a name appears twice.
 */
export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const ordered = [...migrations].sort((a, b) =>
    compareMigrationNames(a.name, b.name),
  );
  ordered.forEach((migration, index) => {
    if (index > 0 && ordered[index - 1]!.name === migration.name) {
      throw new MigrationError(
        `Migration "${migration.name}" appears twice in the list.`,
        { migration: migration.name },
      );
    }
  });
  return ordered;
}

/** Runs inside the migration's transaction; true when it applied the file. */
async function applyIfPending(
  executor: SqlExecutor,
  journal: MigrationJournal,
  ordered: readonly Migration[],
  migration: Migration,
): Promise<boolean> {
  await lockJournal(executor, journal);
  const recorded = await readJournal(executor, journal);
  checkJournal(recorded, ordered);
  if (recorded.has(migration.name)) return false;

  await markTransaction(executor, migration.name);
  try {
    await executor.query(migration.sql, [], `migration ${migration.name}`);
  } catch (error) {
    throw (await transactionEnded(executor, migration.name))
      ? endedEarly(migration.name, error)
      : failedMigration(migration.name, error);
  }
  if (await transactionEnded(executor, migration.name)) {
    throw endedEarly(migration.name, null);
  }
  await recordMigration(
    executor,
    journal,
    migration.name,
    migrationChecksum(migration.sql),
  );
  return true;
}

/**
 * Refuses, before anything runs, a pending file holding a statement that
 * would begin, end or split the runner's transaction (a COMMIT midway
 * commits the first half, and the rest is no longer rolled back with it),
 * or one that cannot run in a transaction. Applied files are not checked:
 * they cannot change, and one applied before this check existed must not
 * stop every later run.
 */
function checkPendingFiles(
  recorded: ReadonlyMap<string, string>,
  ordered: readonly Migration[],
): void {
  for (const migration of ordered) {
    if (recorded.has(migration.name)) continue;
    const found = findTransactionControl(migration.sql);
    if (found === null) continue;

    const where = `Migration "${migration.name}" holds ${found.keyword} at line ${found.line}`;
    throw new MigrationError(
      found.refusesTransaction
        ? `${where}, which cannot run inside a transaction, and the runner applies each file in a transaction of its own. Nothing was applied; run that statement outside the migrations.`
        : `${where}; the runner applies each file in a transaction of its own, which the file must not begin, end or split. Nothing was applied; remove the statement.`,
      { migration: migration.name },
    );
  }
}

/**
 * A transaction-local setting holding the file's name: it lasts exactly as
 * long as the runner's transaction, so finding it gone after the file
 * proves the file ended that transaction, whatever the check missed.
 */
const MARKER_SETTING = "pg_auth_codegen.migration";

async function markTransaction(
  executor: SqlExecutor,
  name: string,
): Promise<void> {
  await executor.query(
    "SELECT pg_catalog.set_config($1, $2, true)",
    [MARKER_SETTING, name],
    "migrations.mark",
  );
}

/**
 * True when the runner's transaction no longer holds the marker. After a
 * failed statement an intact transaction refuses every query (SQLSTATE
 * 25P02), which also means it was not ended: the ROLLBACK that follows
 * undoes the whole file.
 */
async function transactionEnded(
  executor: SqlExecutor,
  name: string,
): Promise<boolean> {
  try {
    const { rows } = await executor.query<{ marker: string | null }>(
      "SELECT pg_catalog.current_setting($1, true) AS marker",
      [MARKER_SETTING],
      "migrations.checkMark",
    );
    return rows[0]?.marker !== name;
  } catch {
    return false;
  }
}

/**
 * Refuses to go on when the journal and the list disagree: an applied file
 * whose text changed, an applied file the list lacks (unless it is newer
 * than every listed file: the database ran a later release), or a pending
 * file that sorts before an applied one.
 */
function checkJournal(
  recorded: ReadonlyMap<string, string>,
  ordered: readonly Migration[],
): void {
  for (const migration of ordered) {
    const checksum = recorded.get(migration.name);
    if (checksum !== undefined) checkChecksum(migration, checksum);
  }

  const listed = new Set(ordered.map((migration) => migration.name));
  const last = ordered.at(-1)?.name;
  const appliedNames = [...recorded.keys()].sort(compareMigrationNames);
  for (const name of appliedNames) {
    if (
      !listed.has(name) &&
      last !== undefined &&
      compareMigrationNames(name, last) < 0
    ) {
      throw new MigrationError(
        `Migration "${name}" is recorded as applied but is missing from the migrations; restore the file.`,
        { migration: name },
      );
    }
  }

  const newestApplied = appliedNames.at(-1);
  const stray = ordered.find(
    (migration) =>
      !recorded.has(migration.name) &&
      newestApplied !== undefined &&
      compareMigrationNames(migration.name, newestApplied) < 0,
  );
  if (stray !== undefined) {
    throw new MigrationError(
      `Migration "${stray.name}" is not applied but sorts before "${newestApplied}", which is; give it a number after the newest applied migration.`,
      { migration: stray.name },
    );
  }
}

function checkChecksum(migration: Migration, recorded: string): void {
  const current = migrationChecksum(migration.sql);
  if (current === recorded) return;

  throw new MigrationError(
    `Migration "${migration.name}" changed after it was applied (checksum ${recorded.slice(0, 12)} then, ${current.slice(0, 12)} now); restore its applied text and put the change in a new migration.`,
    { migration: migration.name },
  );
}

function endedEarly(name: string, error: unknown): MigrationError {
  const failure =
    error === null ? "" : `; it then failed${driverReason(error)}`;
  return new MigrationError(
    `Migration "${name}" ended the runner's transaction before it finished, through transaction control the check before the run did not see, so the statements before that point are committed and the file is not recorded${failure}. Inspect the database, take the transaction control out of the file, and make it safe to run again.`,
    { migration: name, cause: error ?? undefined },
  );
}

/**
 * Keeps PostgreSQL's own message: migration text has no bound values, and
 * without the message a failed DDL statement is hard to place.
 */
function failedMigration(name: string, error: unknown): MigrationError {
  return new MigrationError(
    `Migration "${name}" failed and was rolled back${driverReason(error)}.`,
    { migration: name, cause: error },
  );
}

/** ` (SQLSTATE 22012): division by zero`, from the driver's error. */
function driverReason(error: unknown): string {
  const driver = ((error as { cause?: unknown })?.cause ?? error) as {
    message?: unknown;
    code?: unknown;
  };
  const code =
    typeof driver.code === "string" ? ` (SQLSTATE ${driver.code})` : "";
  const reason =
    typeof driver.message === "string" ? `: ${driver.message}` : "";
  return `${code}${reason}`;
}
