import type { BetterAuthRateLimitStorage } from "@better-auth/core";

import {
  parseRefusal,
  rateLimitSql,
  type RateLimitSql,
} from "./rate-limit-sql.js";
import type { PreparedStatementsSetting } from "./prepared-statements.js";
import type { TableManifest } from "./schema-manifest.js";
import {
  connectionFor,
  type PgDatabase,
  type SqlConnection,
  type SqlResult,
} from "./sql-connection.js";

/** Better Auth's rule for one request: `window` in seconds, `max` requests. */
export interface RateLimitRule {
  readonly window: number;
  readonly max: number;
}

/**
 * The outcome of one consume: Better Auth's `{ allowed, retryAfter }` plus
 * the row as it now stands. `count` and `lastRequest` (epoch ms) are null
 * only when the store did not reach the database (see `onError`).
 */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until the window frees up; null when allowed. */
  readonly retryAfter: number | null;
  readonly count: number | null;
  readonly lastRequest: number | null;
}

/**
 * What to do when the database fails during a consume:
 *
 * - `"deny"` (fail closed): refuse the request with the whole window as
 *   `retryAfter`, so Better Auth answers 429;
 * - `"allow"` (fail open): let the request through uncounted;
 * - `"throw"`: raise the `RateLimitStoreError`; Better Auth then answers
 *   with an error status from its router.
 */
export type RateLimitErrorPolicy = "deny" | "allow" | "throw";

export interface RateLimitStoreOptions {
  /**
   * A `pg.Pool`, a single connected `pg.Client`, or a `SqlConnection`. A
   * pool or client the adapter also uses shares the adapter's connection
   * (`connectionFor`), so on a single client a consume waits for the
   * adapter's open transaction instead of landing inside it.
   */
  readonly database: PgDatabase | SqlConnection;
  /** The rateLimit table of the schema manifest. */
  readonly table: TableManifest;
  /**
   * Named prepared statements on the shared connection; defaults to
   * `"auto"`. See `SqlConnectionOptions.preparedStatements`.
   */
  readonly preparedStatements?: PreparedStatementsSetting | undefined;
  /** Defaults to `"deny"`; see `RateLimitErrorPolicy`. */
  readonly onError?: RateLimitErrorPolicy;
  /**
   * Receives each database failure that `onError` turns into a decision, so
   * that a store failing open or closed is still seen in the logs.
   */
  readonly reportError?: (error: RateLimitStoreError) => void;
  /**
   * Replaces the database clock with a fixed epoch-ms value per call, for
   * tests of window resets and retry-after without sleeping.
   */
  readonly now?: () => number;
}

export interface DeleteExpiredOptions {
  /** Rows whose last counted request is older than this are removed. */
  readonly olderThanSeconds: number;
  /** The most rows one call removes; defaults to 1000. */
  readonly limit?: number;
}

/** Better Auth's rate-limit storage, backed by one PostgreSQL table. */
export interface RateLimitStore extends BetterAuthRateLimitStorage {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
  /**
   * Deletes up to `limit` rows whose last counted request is older than
   * `olderThanSeconds`, oldest first, in one statement; returns how many it
   * deleted. Choose `olderThanSeconds` at least as long as the longest
   * window in use (Better Auth's own rules go up to 60 s): a row older than
   * its window would be reset by the next request anyway, so deleting it
   * changes no decision.
   *
   * @throws {RateLimitStoreError} when the database fails.
   */
  deleteExpired(options: DeleteExpiredOptions): Promise<number>;
}

/**
 * A database failure inside the rate-limit store. `cause` is the translated
 * `DatabaseError` (or the driver's error when it had no SQLSTATE); the
 * message names the table and the operation, never the key, which holds the
 * client's IP address.
 */
export class RateLimitStoreError extends Error {
  readonly operation: "consume" | "deleteExpired";

  constructor(
    operation: "consume" | "deleteExpired",
    table: TableManifest,
    cause: unknown,
  ) {
    super(
      `The rate-limit store could not ${operation === "consume" ? "record a request" : "delete expired rows"} in table ${table.qualifiedName} of model "${table.model}".`,
      { cause },
    );
    this.name = "RateLimitStoreError";
    this.operation = operation;
  }
}

const DEFAULT_DELETE_LIMIT = 1000;

/** A counted request has `count` and `lastRequest`; a refused one not. */
interface DecisionRow {
  count: number | null;
  /** int8: node-postgres returns it as a string. */
  lastRequest: string | null;
  /** `{count,lastRequest,retryAfter}` when refused; see `RateLimitSql`. */
  refusal: string | null;
}

/**
 * Creates Better Auth's `rateLimit.customStorage` on PostgreSQL. Each
 * consume is one statement (one round trip) that decides with Better Auth's
 * rules, on the database clock so every app server agrees:
 *
 * - a new key starts at 1 and is allowed;
 * - once `window` seconds have passed since the last counted request, the
 *   count restarts at 1 and the request is allowed;
 * - at `max` the request is refused and nothing changes; `retryAfter` is
 *   the whole seconds until the window frees up;
 * - otherwise the count goes up by 1 and `lastRequest` moves to now.
 *
 * Expired rows stay until `deleteExpired` removes them; nothing runs on a
 * timer.
 *
 * @throws {TypeError} when `table` is not a rate-limit table with a bigint
 * `lastRequest`. `consume` throws a `RangeError` for a rule whose window or
 * max is not a finite number, and a `RateLimitStoreError` on database
 * failure only when `onError` is `"throw"`.
 */
export function createRateLimitStore(
  options: RateLimitStoreOptions,
): RateLimitStore {
  const sql = rateLimitSql(options.table);
  // The adapter's connection when it runs on the same pool or client: a
  // single client's gate only keeps out callers that share it.
  const connection = connectionFor(
    options.database,
    options.preparedStatements,
  );
  const policy = options.onError ?? "deny";

  const consume = async (key: string, rule: RateLimitRule) => {
    checkRule(rule);
    try {
      return await runConsume(connection, sql, key, rule, options.now?.());
    } catch (error) {
      const failure = new RateLimitStoreError("consume", options.table, error);
      if (policy === "throw") throw failure;
      options.reportError?.(failure);
      return fallbackDecision(policy, rule);
    }
  };

  const deleteExpired = async (deleteOptions: DeleteExpiredOptions) => {
    // Untyped callers may pass nothing; say what is missing instead of
    // failing on a property read.
    const limit = deleteOptions?.limit ?? DEFAULT_DELETE_LIMIT;
    checkDeleteOptions(deleteOptions?.olderThanSeconds, limit);
    try {
      return await runDeleteExpired(
        connection,
        sql,
        deleteOptions.olderThanSeconds,
        limit,
        options.now?.(),
      );
    } catch (error) {
      throw new RateLimitStoreError("deleteExpired", options.table, error);
    }
  };

  return { consume, deleteExpired };
}

/**
 * Runs the consume statement. On a single `pg.Client` it waits for the same
 * gate as transactions: an upsert sent while another caller holds BEGIN on
 * that client would join their transaction, keep the row locked (stalling
 * this key on every server) until they commit, and vanish if they roll
 * back. On a pool one statement needs no client of its own: checking one
 * out per request would cost a connect and a release each time.
 */
async function runConsume(
  connection: SqlConnection,
  sql: RateLimitSql,
  key: string,
  rule: RateLimitRule,
  now: number | undefined,
): Promise<RateLimitDecision> {
  const { rows } = await runAlone<DecisionRow>(
    connection,
    sql,
    sql.consume,
    [key, rule.window, rule.max, now ?? null],
    "rateLimitConsume",
  );

  const row = rows[0]!;
  if (row.refusal !== null) {
    return { allowed: false, ...parseRefusal(row.refusal) };
  }
  return {
    allowed: true,
    retryAfter: null,
    count: row.count,
    // C22: a string here would make `lastRequest + window` concatenate.
    lastRequest: Number(row.lastRequest),
  };
}

async function runDeleteExpired(
  connection: SqlConnection,
  sql: RateLimitSql,
  olderThanSeconds: number,
  limit: number,
  now: number | undefined,
): Promise<number> {
  const { rowCount } = await runAlone(
    connection,
    sql,
    sql.deleteExpired,
    [olderThanSeconds, limit, now ?? null],
    "rateLimitDeleteExpired",
  );
  return rowCount;
}

/**
 * One statement that must not land inside another caller's transaction:
 * behind the gate on a single client, a plain query on a pool. Inside this
 * connection's own transaction both run on the transaction's client.
 */
function runAlone<Row>(
  connection: SqlConnection,
  sql: RateLimitSql,
  text: string,
  values: readonly unknown[],
  name: string,
): Promise<SqlResult<Row>> {
  if (connection.isPool) {
    return connection.query<Row>(text, values, name, sql.preparedScope);
  }
  return connection.exclusive((executor) =>
    executor.query<Row>(text, values, name, sql.preparedScope),
  );
}

function fallbackDecision(
  policy: "deny" | "allow",
  rule: RateLimitRule,
): RateLimitDecision {
  return {
    allowed: policy === "allow",
    retryAfter: policy === "allow" ? null : Math.max(1, Math.ceil(rule.window)),
    count: null,
    lastRequest: null,
  };
}

function checkRule(rule: RateLimitRule): void {
  if (!Number.isFinite(rule.window) || !Number.isFinite(rule.max)) {
    throw new RangeError(
      "A rate-limit rule needs a finite window (seconds) and a finite max; check rateLimit.window, rateLimit.max and rateLimit.customRules.",
    );
  }
}

function checkDeleteOptions(
  olderThanSeconds: number | undefined,
  limit: number,
): void {
  if (
    olderThanSeconds === undefined ||
    !Number.isFinite(olderThanSeconds) ||
    olderThanSeconds < 0
  ) {
    throw new RangeError(
      "deleteExpired needs olderThanSeconds to be a finite number of seconds, zero or more.",
    );
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      "deleteExpired needs limit to be a whole number of rows, at least 1.",
    );
  }
}
