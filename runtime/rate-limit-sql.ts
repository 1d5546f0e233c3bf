import { quoteIdentifier } from "./quote-identifier.js";
import type { ColumnManifest, TableManifest } from "./schema-manifest.js";

/** The two statements of the rate-limit store, for one physical table. */
export interface RateLimitSql {
  /**
   * Records one request and decides it. Parameters: `$1` key, `$2` window in
   * seconds, `$3` max, `$4` now in epoch ms or null for the database clock.
   * Returns exactly one row: `allowed`, `count`, `lastRequest` (int8, so a
   * string from node-postgres), `retryAfter`.
   */
  readonly consume: string;
  /**
   * Deletes at most `$2` rows whose `lastRequest` is more than `$1` seconds
   * before `$3` (epoch ms, or null for the database clock).
   */
  readonly deleteExpired: string;
}

/**
 * The database clock in epoch milliseconds, or the caller's fixed value.
 * `clock_timestamp()` is the real time when the statement starts, where
 * `now()` would be the start of the surrounding transaction: a consume that
 * joins an open transaction must not count from the moment it began.
 */
function clockMs(parameter: string): string {
  return `coalesce(
    ${parameter}::bigint,
    pg_catalog.floor(
      pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) * 1000
    )::bigint
  )`;
}

/**
 * Writes the rate-limit statements for `table`, the rateLimit model of a
 * schema manifest (its `key`, `count` and `lastRequest` fields, under
 * whatever column and table names the options gave them).
 *
 * @throws {TypeError} when the table lacks one of those fields, or stores
 * `lastRequest` in a type too narrow for epoch milliseconds.
 */
export function rateLimitSql(table: TableManifest): RateLimitSql {
  const key = findColumn(table, "key");
  const count = findColumn(table, "count");
  const lastRequest = findColumn(table, "lastRequest");
  checkLastRequestType(table, lastRequest);

  const columns = {
    table: table.qualifiedName,
    key: quoteIdentifier(key.column),
    count: quoteIdentifier(count.column),
    lastRequest: quoteIdentifier(lastRequest.column),
    id: idInsert(table),
  };
  return {
    consume: consumeSql(columns),
    deleteExpired: deleteExpiredSql(columns),
  };
}

interface QuotedColumns {
  readonly table: string;
  readonly key: string;
  readonly count: string;
  readonly lastRequest: string;
  /** The id column and its value, when the database has no default. */
  readonly id: { readonly column: string; readonly value: string } | null;
}

/**
 * One statement does the whole decision, so there is no read-then-write gap
 * for concurrent requests to slip through:
 *
 * - `counted` inserts a new key at 1, or updates the existing row when the
 *   request is allowed: the window has passed since `lastRequest` (reset to
 *   1) or the count is under `max` (add 1). The unique index on the key
 *   serialises concurrent requests for one key on the row lock, and the
 *   ON CONFLICT clause always decides on the latest committed row, not on
 *   this statement's snapshot.
 * - When the request is refused, the conflict clause updates nothing and
 *   returns nothing, though it leaves the row locked. `refused` then reads
 *   that row with a locking read, which in READ COMMITTED follows the row to
 *   its latest version (the one just checked, since this statement holds
 *   the lock) rather than the snapshot's, so `retryAfter` comes from the
 *   real `lastRequest`. It runs only after `counted` (its filter is a
 *   one-time check of `counted`).
 * - A refused request whose row was created after this statement began (a
 *   burst on a fresh key) cannot see that row at all: no version of it is in
 *   the snapshot. Its window began moments ago, so `retryAfter` is the whole
 *   window (`least` skips the null its second argument is then) and
 *   `count`/`lastRequest` are null.
 *
 * `retryAfter` never exceeds the window: a request that started after this
 * one can have written a `lastRequest` slightly ahead of this clock.
 */
function consumeSql(columns: QuotedColumns): string {
  const { table, key, count, lastRequest, id } = columns;
  const windowMs = "$2::numeric * 1000";
  const elapsed = `excluded.${lastRequest} - stored.${lastRequest}`;

  return `WITH clock AS MATERIALIZED (
  SELECT ${clockMs("$4")} AS now_ms
),
counted AS (
  INSERT INTO ${table} AS stored (${id ? `${id.column}, ` : ""}${key}, ${count}, ${lastRequest})
  SELECT ${id ? `${id.value}, ` : ""}$1::text, 1, clock.now_ms FROM clock
  ON CONFLICT (${key}) DO UPDATE SET
    ${count} = CASE
      WHEN ${elapsed} >= ${windowMs} THEN 1
      ELSE stored.${count} + 1
    END,
    ${lastRequest} = excluded.${lastRequest}
  WHERE ${elapsed} >= ${windowMs}
    OR stored.${count} < $3::numeric
  RETURNING stored.${count}, stored.${lastRequest}
),
refused AS (
  SELECT stored.${count}, stored.${lastRequest}
  FROM ${table} AS stored
  WHERE stored.${key} = $1::text AND NOT EXISTS (SELECT FROM counted)
  FOR NO KEY UPDATE
)
SELECT
  counted.${count} IS NOT NULL AS "allowed",
  coalesce(counted.${count}, refused.${count}) AS "count",
  coalesce(counted.${lastRequest}, refused.${lastRequest}) AS "lastRequest",
  CASE WHEN counted.${count} IS NULL THEN
    least(
      pg_catalog.ceil($2::numeric),
      pg_catalog.ceil(
        (refused.${lastRequest} + ${windowMs} - clock.now_ms) / 1000
      )
    )::integer
  END AS "retryAfter"
FROM clock
LEFT JOIN counted ON true
LEFT JOIN refused ON true`;
}

/**
 * Deletes the oldest expired rows, a bounded batch at a time, walking the
 * `lastRequest` index. SKIP LOCKED leaves rows that a consume is deciding
 * right now; the outer condition on `lastRequest` is checked again on the
 * row's latest version, so a row a consume refreshed meanwhile survives.
 */
function deleteExpiredSql(columns: QuotedColumns): string {
  const { table, key, lastRequest } = columns;
  return `WITH cutoff AS MATERIALIZED (
  SELECT (${clockMs("$3")} - pg_catalog.ceil($1::numeric * 1000))::bigint AS before_ms
)
DELETE FROM ${table} AS stored
WHERE stored.${lastRequest} < (SELECT before_ms FROM cutoff)
  AND stored.${key} IN (
    SELECT candidate.${key}
    FROM ${table} AS candidate
    WHERE candidate.${lastRequest} < (SELECT before_ms FROM cutoff)
    ORDER BY candidate.${lastRequest}
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED
  )`;
}

function findColumn(table: TableManifest, field: string): ColumnManifest {
  const column = table.columns.find((candidate) => candidate.field === field);
  if (column === undefined) {
    throw new TypeError(
      `Model "${table.model}" has no "${field}" field, so it cannot hold rate-limit counters; pass the rateLimit table of the schema manifest.`,
    );
  }
  return column;
}

/** C22: epoch milliseconds overflow a 32-bit integer column. */
function checkLastRequestType(
  table: TableManifest,
  lastRequest: ColumnManifest,
): void {
  if (lastRequest.pgType !== "bigint") {
    throw new TypeError(
      `Field "${table.model}.lastRequest" is ${lastRequest.pgType}; it holds epoch milliseconds and must be bigint.`,
    );
  }
}

/**
 * Text ids without a database default need a value; Better Auth's id
 * generator is not reachable from here, and nothing references rate-limit
 * rows, so a random UUID in text form serves.
 */
function idInsert(table: TableManifest): QuotedColumns["id"] {
  const id = table.columns.find((column) => column.primaryKey);
  if (id === undefined || id.defaultSql !== null) return null;
  if (table.idStrategy !== "text") return null;
  return {
    column: quoteIdentifier(id.column),
    value: "pg_catalog.gen_random_uuid()::text",
  };
}
