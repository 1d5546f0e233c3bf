import { randomBytes } from "node:crypto";

import pg from "pg";
import { inject } from "vitest";

import { quoteIdentifier } from "../../runtime/quote-identifier.js";
import { withClient } from "./with-client.js";

/** A database of its own for one test file, dropped when the file ends. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /** A pool on the test database; ended by `drop`. */
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the run's PostgreSQL server so that test files
 * can run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = inject("postgresUrl");
  const name = `t_${label.replace(/\W/g, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;

  await withClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)}`),
  );

  const url = withDatabase(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return {
    url,
    name,
    pool,
    drop: async () => {
      // pool.end() resolves before its sockets close, and DROP ... WITH
      // (FORCE) may then terminate a closing backend; without a listener
      // the pool would rethrow that as an uncaught 'error' event.
      pool.on("error", () => {});
      await pool.end();
      await withClient(serverUrl, (client) =>
        client.query(
          `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`,
        ),
      );
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
