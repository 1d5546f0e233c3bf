import pg from "pg";

import { planSchemaDdl } from "../generator/ddl/plan-schema-ddl.js";
import { renderDdl } from "../generator/ddl/render-ddl.js";
import { resolveSchema } from "../generator/schema/resolve-schema.js";
import { quoteIdentifier } from "../runtime/quote-identifier.js";
import type { BenchConfig } from "./bench-config.js";
import type { BenchOptions } from "./bench-options.js";

/** The bench's own database: its URL, and how to drop it at the end. */
export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates the bench's dedicated database with the schema this repository's
 * config resolves to. A database of the same name left by an interrupted
 * run is the bench's own and is dropped first.
 */
export async function createBenchDatabase(
  config: BenchConfig,
  options: BenchOptions,
): Promise<BenchDatabase> {
  const name = quoteIdentifier(config.databaseName);
  await withServer(config.serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
    // Set on the database, so every contestant's connection gets it.
    await client.query(
      `ALTER DATABASE ${name} SET synchronous_commit = ${config.synchronousCommit ? "on" : "off"}`,
    );
  });

  const url = databaseUrl(config.serverUrl, config.databaseName);
  const manifest = resolveSchema({ auth: options.auth });
  await withServer(url, (client) =>
    client.query(renderDdl(planSchemaDdl(manifest))),
  );

  return {
    url,
    drop: () =>
      withServer(config.serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

async function withServer<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
