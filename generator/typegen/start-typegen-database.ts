import { randomBytes } from "node:crypto";

import pg from "pg";

import { quoteIdentifier } from "../../runtime/quote-identifier.js";
import { cleanUpOnInterrupt } from "../clean-up-on-interrupt.js";
import { CodegenError } from "../codegen-error.js";
import type { PgtypedDatabase } from "./pgtyped-internals.js";
import {
  PgliteDdlError,
  startPgliteHost,
  type PgliteHost,
} from "./pglite-host.js";

/** A database holding the schema, for pgtyped to describe queries against. */
export interface TypegenDatabase {
  /** `PGlite` or the server's host and port, for the stage line. */
  readonly label: string;
  readonly connection: PgtypedDatabase;
  /** Stops PGlite, or drops the throwaway database. */
  close(): Promise<void>;
}

/** A database being prepared: PGlite boots from the moment it is asked for. */
export interface PendingTypegenDatabase {
  /** Applies the DDL and opens the database to pgtyped. */
  open(ddl: string): Promise<TypegenDatabase>;
  /** Releases it when generation stops before `open`. */
  discard(): Promise<void>;
}

/**
 * Prepares an in-memory PGlite, on a thread of its own and served on a
 * socket on 127.0.0.1 (a free port), or, with a URL, a throwaway database
 * created on that server when opened and dropped on close. A throwaway
 * database rather than a schema: schema-qualified tables (`internal.users`)
 * must not land in the server's real schemas. PGlite starts booting at once
 * (it takes seconds), beside the caller's work until `open`.
 *
 * `open` throws a CodegenError when the DDL fails or the server refuses.
 */
export function prepareTypegenDatabase(
  databaseUrl: string | null,
): PendingTypegenDatabase {
  if (databaseUrl !== null) {
    return {
      open: (ddl) => createThrowawayDatabase(ddl, databaseUrl),
      discard: async () => {},
    };
  }

  const host = startPgliteHost();
  return {
    open: (ddl) => openPglite(host, ddl),
    discard: () => host.terminate(),
  };
}

async function openPglite(
  host: PgliteHost,
  ddl: string,
): Promise<TypegenDatabase> {
  let port: number;
  try {
    port = await host.open(ddl);
  } catch (error) {
    await host.terminate();
    throw error instanceof PgliteDdlError ? ddlError(error, "PGlite") : error;
  }

  return {
    label: "PGlite",
    connection: {
      host: "127.0.0.1",
      port,
      user: "postgres",
      password: undefined,
      dbName: "postgres",
    },
    close: () => host.close(),
  };
}

async function createThrowawayDatabase(
  ddl: string,
  databaseUrl: string,
): Promise<TypegenDatabase> {
  const url = parseDatabaseUrl(databaseUrl);
  const name = `pg_auth_codegen_${randomBytes(6).toString("hex")}`;
  const created = withClient(url.href, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)}`),
  );
  const drop = async () => {
    // Ctrl-C may come while CREATE DATABASE runs: drop once it settled.
    await created.catch(() => {});
    await withClient(url.href, (client) =>
      client.query(
        `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`,
      ),
    );
  };
  const release = cleanUpOnInterrupt(drop);
  try {
    await created;
  } catch (error) {
    release();
    throw new CodegenError(
      `Could not create a throwaway database on ${url.host} for --database-url: ${(error as Error).message}`,
      "--database-url",
    );
  }

  const throwaway = new URL(url.href);
  throwaway.pathname = `/${name}`;
  const close = async () => {
    try {
      await drop();
    } finally {
      release();
    }
  };

  try {
    await withClient(throwaway.href, (client) => client.query(ddl));
  } catch (error) {
    await close();
    throw ddlError(error, url.host);
  }

  return {
    label: url.host,
    connection: {
      host: url.hostname,
      port: url.port === "" ? 5432 : Number(url.port),
      user: decodeURIComponent(url.username) || "postgres",
      password:
        url.password === "" ? undefined : decodeURIComponent(url.password),
      dbName: name,
    },
    close,
  };
}

/**
 * Checks a `--database-url` value before any command connects with it:
 * `pg` reads a string that is not a URL as a host name and would report
 * an unrelated lookup failure.
 *
 * @throws {CodegenError} when it is not a postgres:// or postgresql://
 * URL; the message never repeats the value, which may hold a password.
 */
export function parseDatabaseUrl(databaseUrl: string): URL {
  try {
    const url = new URL(databaseUrl);
    if (url.protocol === "postgres:" || url.protocol === "postgresql:")
      return url;
  } catch {
    // Reported below without echoing the URL, which may hold a password.
  }
  throw new CodegenError(
    "--database-url must be a postgres:// URL.",
    "--database-url",
  );
}

async function withClient<T>(
  url: string,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function ddlError(error: unknown, where: string): CodegenError {
  return new CodegenError(
    `The generated schema does not apply on ${where}: ${(error as Error).message}`,
  );
}
