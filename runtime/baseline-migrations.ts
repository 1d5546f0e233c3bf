import { MigrationError } from "./migration-error.js";
import {
  lockJournal,
  prepareJournal,
  readJournal,
  recordMigration,
  resolveJournal,
} from "./migration-journal.js";
import {
  migrationChecksum,
  orderMigrations,
  type Migration,
  type MigrationOptions,
} from "./run-migrations.js";
import {
  connectionFor,
  SqlConnection,
  type PgDatabase,
  type SqlExecutor,
} from "./sql-connection.js";

export interface BaselineOptions extends MigrationOptions {
  /**
   * Proves the database already holds what the migrations create; throws
   * to refuse. It runs in the recording transaction, under the journal's
   * lock, so no runner applies a file between the proof and the record.
   */
  readonly verify: (executor: SqlExecutor) => Promise<void>;
}

export interface BaselineResult {
  /** The migrations recorded as applied, in order; none of them ran. */
  readonly recorded: readonly string[];
}

/**
 * Adopts a database whose schema was made without the runner (by Better
 * Auth's own migrations, say): records every migration as applied, with
 * its checksum, without running it, so that later runs apply only newer
 * files. Everything happens in one transaction under the journal's
 * advisory lock; `verify` decides whether the database really holds the
 * schema, since recording files that never ran hides their changes for
 * good.
 *
 * @throws {MigrationError} when the journal already records a migration,
 * when a name appears twice, or when the journal's schema is missing and
 * `createSchema` is not set; whatever `verify` throws. Nothing is recorded
 * when it throws.
 */
export async function baselineMigrations(
  database: PgDatabase | SqlConnection,
  migrations: readonly Migration[],
  options: BaselineOptions,
): Promise<BaselineResult> {
  const connection = connectionFor(database);
  const ordered = orderMigrations(migrations);

  return connection.transaction(async (executor) => {
    const journal = await resolveJournal(executor, options.schema);
    await lockJournal(executor, journal);
    await prepareJournal(executor, journal, options.createSchema === true);

    const recorded = await readJournal(executor, journal);
    if (recorded.size > 0) {
      throw new MigrationError(
        `The migration journal already records ${recorded.size} ${recorded.size === 1 ? "migration" : "migrations"}; a baseline only adopts a database no migration was applied to.`,
      );
    }
    await options.verify(executor);

    for (const migration of ordered) {
      await recordMigration(
        executor,
        journal,
        migration.name,
        migrationChecksum(migration.sql),
      );
    }
    return { recorded: ordered.map((migration) => migration.name) };
  });
}
