import pg from "pg";

import { CodegenError } from "../codegen-error.js";
import { parseDatabaseUrl } from "../typegen/start-typegen-database.js";

/**
 * Connects one client for a command that talks to a live database. The
 * URL is required: these commands never fall back to an environment
 * variable or a default server, so they cannot touch the wrong database.
 *
 * @throws {CodegenError} when the URL is missing, is not a postgres://
 * URL (checked as generate checks it), or the server refuses;
 * the message never repeats the URL, which may hold a password.
 */
export async function connectDatabase(
  url: string | undefined,
  command: string,
): Promise<pg.Client> {
  if (url === undefined || url === "") {
    throw new CodegenError(
      `${command} needs --database-url <url>, the PostgreSQL server to work on.`,
    );
  }
  parseDatabaseUrl(url);

  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new CodegenError(
      `${command} could not connect to the database: ${(error as Error).message}`,
    );
  }
  return client;
}
