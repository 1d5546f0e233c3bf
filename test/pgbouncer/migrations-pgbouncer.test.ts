import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";

import config from "../../auth-codegen.config.js";
import { runMigrations } from "../../runtime/run-migrations.js";
import { generateMigrations } from "../migrations/apply-migration-files.js";
import { migrationsOf } from "../../generator/migrations/migration-files.js";
import {
  describeThroughPgBouncer,
  poolThroughPgBouncer,
} from "../support/pgbouncer.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

// The runner serializes instances with pg_advisory_xact_lock, which is held
// by the transaction and so survives transaction pooling; a session-level
// lock would be taken on one server session and released on another.
describeThroughPgBouncer(
  "the migration runner through PgBouncer",
  (bouncerUrl) => {
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

    it("applies this repository's migrations exactly once from three runners at once", async () => {
      const migrations = migrationsOf(generateMigrations(config.auth).files);

      const results = await Promise.all(
        pools.map((pool) => runMigrations(pool, migrations)),
      );

      const names = migrations.map((migration) => migration.name);
      expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
      const { rows } = await database.pool.query(
        `SELECT "name" FROM "pg_auth_codegen_migrations" ORDER BY "name"`,
      );
      expect(rows.map((row) => row.name)).toEqual(names);
    });

    it("leaves every table of the config in place", async () => {
      const { rows } = await database.pool.query(
        `SELECT count(*)::int AS tables FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name IN ('user', 'session',
         'account', 'verification', 'rateLimit', 'organization', 'apikey')`,
      );

      expect(rows).toEqual([{ tables: 7 }]);
    });
  },
);
