import { createHash } from "node:crypto";

/**
 * Whether reusable statements run as named prepared statements: `true`,
 * `false`, or `"auto"` (the default): named on a direct connection to
 * PostgreSQL, unnamed when a pooler sits in between.
 */
export type PreparedStatementsSetting = "auto" | boolean;

/**
 * @throws {TypeError} for anything but `"auto"`, `true` or `false`, so a
 * misspelt setting from untyped code is not taken for one of them.
 */
export function checkPreparedStatementsSetting(
  setting: unknown,
): asserts setting is PreparedStatementsSetting {
  if (setting !== "auto" && setting !== true && setting !== false) {
    throw new TypeError('preparedStatements must be "auto", true or false.');
  }
}

/**
 * Each distinct statement text prepared on a server connection keeps its
 * plan there until the connection closes. The adapter's statements are
 * bounded by the shapes an app asks for (a few dozen in Better Auth's
 * flows); past this many, new texts run unnamed rather than grow every
 * connection's memory without end.
 */
const MAX_PREPARED_TEXTS = 256;

/**
 * A statement this long (thousands of OR-ed clauses) is one caller's
 * oddity, not a shape worth a plan kept on every connection.
 */
const MAX_PREPARED_TEXT_LENGTH = 16_384;

/**
 * The scope a reusable statement is prepared under: a digest of the schema
 * its SQL was written for. PostgreSQL fixes a prepared statement's
 * parameter types when it parses it, so one text written for a text id and
 * for a uuid id (two adapters on one pool, or a schema rebuilt while the
 * pool stays open) must not share a prepared statement.
 */
export function preparedScope(schema: unknown): string {
  return sha1(JSON.stringify(schema)).slice(0, 16);
}

/**
 * The prepared-statement names of one connection layer, one per scope and
 * SQL text. A name is derived from both, so two layers on the same `pg`
 * client (node-postgres remembers names per connection, and refuses one
 * name for two texts) always agree.
 */
export class PreparedStatementNames {
  readonly #scopes = new Map<string, Map<string, string>>();
  #count = 0;
  /** How many times every name was given up (see `renewAll`). */
  #generation = 0;

  /** The name for `text` under `scope`, or undefined past the caps. */
  nameFor(scope: string, text: string): string | undefined {
    let names = this.#scopes.get(scope);
    if (names === undefined) {
      names = new Map();
      this.#scopes.set(scope, names);
    }
    const known = names.get(text);
    if (
      known !== undefined ||
      this.#count >= MAX_PREPARED_TEXTS ||
      text.length > MAX_PREPARED_TEXT_LENGTH
    ) {
      return known;
    }

    const name = `pgac_${sha1(`${this.#generation || ""}${scope}\u0000${text}`)}`;
    names.set(text, name);
    this.#count += 1;
    return name;
  }

  /**
   * Gives every text a new name, so that each next call parses its
   * statement afresh on every connection. For when PostgreSQL refuses a
   * cached plan (0A000, "cached plan must not change result type": a
   * column's type was altered under it): every statement reading that
   * column is stale, not only the one that failed, and a transaction
   * would otherwise fail once for each of them. The old statements are
   * left to end with their connections.
   */
  renewAll(): void {
    this.#scopes.clear();
    this.#count = 0;
    this.#generation += 1;
  }
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** A `pg` client: it keeps the backend process id of its login. */
interface ProbedClient {
  readonly processID?: number | null;
  query(text: string): Promise<{ rows: unknown[] }>;
}

/**
 * True when `client` talks to a PostgreSQL backend directly. At login the
 * server tells the client its process id (the cancel key); a pooler such
 * as PgBouncer hands out a key of its own, since the client may run each
 * transaction on a different server connection. A prepared statement made
 * on one of those would be missing on the next (PgBouncer before 1.21 in
 * transaction mode), so only a client whose key matches the backend that
 * answers may name its statements.
 */
export async function isDirectConnection(
  client: ProbedClient,
): Promise<boolean> {
  if (typeof client.processID !== "number") return false;
  const { rows } = await client.query(
    "SELECT pg_catalog.pg_backend_pid() AS pid",
  );
  return (rows[0] as { pid?: unknown } | undefined)?.pid === client.processID;
}

/**
 * 0A000 "cached plan must not change result type", told apart from other
 * unsupported features by the server function that raised it (messages
 * follow the server's language).
 */
export function isStalePlan(error: unknown): boolean {
  const driver = error as { code?: unknown; routine?: unknown } | null;
  return driver?.code === "0A000" && driver.routine === "RevalidateCachedQuery";
}
