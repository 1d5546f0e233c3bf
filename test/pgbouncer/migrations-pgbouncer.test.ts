import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { migrate, migrations } from "../../generated/migrate.js";
import { runCli } from "../../generator/cli.js";
import {
  describeThroughPgBouncer,
  poolThroughPgBouncer,
  throughPgBouncer,
} from "../support/pgbouncer.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

// The runner serializes instances with pg_advisory_xact_lock, which is held
// by the transaction and so survives transaction pooling; a session-level
// lock would be taken on one server session and released on another.
describeThroughPgBouncer("migrations through PgBouncer", (bouncerUrl) => {
  const names = migrations.map((migration) => migration.name);

  async function journal(database: TestDatabase): Promise<string[]> {
    const { rows } = await database.pool.query(
      `SELECT "name" FROM "pg_auth_codegen_migrations" ORDER BY "name"`,
    );
    return rows.map((row) => row.name);
  }

  describe("the generated migrate()", () => {
    let database: TestDatabase;
    const pools: pg.Pool[] = [];

    beforeAll(async () => {
      database = await createTestDatabase("migrate_pgbouncer");
      for (let runner = 0; runner < 3; runner++) {
        pools.push(poolThroughPgBouncer(bouncerUrl, database.url, 2));
      }
    });

    afterAll(async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      await database?.drop();
    });

    it("applies each migration exactly once from three runners at once", async () => {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));

      expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
      expect(await journal(database)).toEqual(names);
    });

    it("leaves the config's tables in place", async () => {
      const { rows } = await database.pool.query(
        `SELECT count(*)::int AS tables FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('user', 'session',
           'account', 'verification', 'rateLimit', 'organization', 'apikey')`,
      );

      expect(rows).toEqual([{ tables: 7 }]);
    });
  });

  describe("the migrate command", () => {
    let database: TestDatabase;
    const output = { log: vi.fn(), error: vi.fn() };

    beforeAll(async () => {
      database = await createTestDatabase("migrate_cli_pgbouncer");
    });

    afterAll(async () => {
      await database?.drop();
    });

    async function runMigrate(): Promise<number> {
      output.log.mockClear();
      output.error.mockClear();
      return runCli(
        [
          "migrate",
          "--database-url",
          throughPgBouncer(bouncerUrl, database.url),
        ],
        output,
      );
    }

    it("applies sql/migrations through the bouncer", async () => {
      expect(await runMigrate()).toBe(0);

      expect(output.error).not.toHaveBeenCalled();
      expect(output.log).toHaveBeenLastCalledWith(
        `Applied ${names.length} of ${names.length} ${migrationWord(names)}.`,
      );
      expect(await journal(database)).toEqual(names);
    });

    it("reports the database up to date on a second run", async () => {
      expect(await runMigrate()).toBe(0);

      expect(output.log).toHaveBeenLastCalledWith(
        `The database is up to date (${names.length} ${migrationWord(names)}).`,
      );
    });
  });
});

/** The CLI's word for a count of files: "1 migration", "2 migrations". */
function migrationWord(names: readonly string[]): string {
  return names.length === 1 ? "migration" : "migrations";
}
