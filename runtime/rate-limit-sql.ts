import { preparedScope } from "./prepared-statements.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type { ColumnManifest, TableManifest } from "./schema-manifest.js";

/** The two statements of the rate-limit store, for one physical table. */
export interface RateLimitSql {
  /**
   * Records one request and decides it. Parameters: `$1` key, `$2` window in
   * seconds, `$3` max, `$4` now in epoch ms or null for the database clock.
   * Returns exactly one row. A counted request has its new `count` and
   * `lastRequest` (int8, so a string from node-postgres) and a null
   * `refusal`; a refused one has null `count` and `lastRequest` and a
   * `refusal` of the form `{count,lastRequest,retryAfter}` (a bigint array
   * in text form) read from the row it was refused on. `parseRefusal` reads
   * it.
   */
  readonly consume: string;
  /**
   * Deletes at most `$2` rows whose `lastRequest` is more than `$1` seconds
   * before `$3` (epoch ms, or null for the database clock).
   */
  readonly deleteExpired: string;
  /** The table's `preparedScope`, under which both are prepared. */
  readonly preparedScope: string;
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
    preparedScope: preparedScope(table),
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

/** Where a refused consume leaves the row it was refused on. */
const REFUSAL_SETTING = "pg_auth_codegen.rate_limit_refusal";

/**
 * One statement does the whole decision, so there is no read-then-write gap
 * for concurrent requests to slip through. The upsert inserts a new key at
 * 1, or updates the existing row when the request is allowed: the window
 * has passed since `lastRequest` (reset to 1) or the count is under `max`
 * (add 1). The unique index on the key serialises concurrent requests for
 * one key on the row lock, and the ON CONFLICT clause decides on the latest
 * committed row, locked, not on this statement's snapshot. The clock is
 * read once, in VALUES, and reaches the conflict clause as `excluded`.
 *
 * A refused request writes nothing and RETURNING then has no row, yet the
 * answer needs the row's count and `lastRequest`. Reading the row again
 * would cost a second table scan in every consume's plan (about a fifth of
 * the statement's server time, refused or not), and would need a locking
 * read to see the version the conflict clause saw rather than the
 * snapshot's. Instead the conflict clause, which already holds that
 * version, hands it over: on refusal it stores `{count, lastRequest,
 * retryAfter}` in a transaction-local setting (`set_config(..., true)`,
 * gone at commit, so nothing leaks to the next user of the connection,
 * PgBouncer included) and evaluates to false. The outer SELECT reads the
 * setting only for a refused request: its LEFT JOIN emits the row without
 * `counted` only after `counted` has run to the end, and `CASE` keeps the
 * read off the allowed path, where the setting may not exist. The conflict
 * clause also sees a row created after this statement's snapshot (a burst
 * on a fresh key), which no read of the table in this statement could.
 *
 * `retryAfter` never exceeds the window: a request that started after this
 * one can have written a `lastRequest` slightly ahead of this clock.
 */
function consumeSql(columns: QuotedColumns): string {
  const { table, key, count, lastRequest, id } = columns;
  const windowMs = "$2::numeric * 1000";
  const elapsed = `excluded.${lastRequest} - stored.${lastRequest}`;
  const retryAfter = `least(
          pg_catalog.ceil($2::numeric),
          pg_catalog.ceil(
            (stored.${lastRequest} + ${windowMs} - excluded.${lastRequest}) / 1000
          )
        )::bigint`;

  return `WITH counted AS (
  INSERT INTO ${table} AS stored (${id ? `${id.column}, ` : ""}${key}, ${count}, ${lastRequest})
  VALUES (${id ? `${id.value}, ` : ""}$1::text, 1, ${clockMs("$4")})
  ON CONFLICT (${key}) DO UPDATE SET
    ${count} = CASE
      WHEN ${elapsed} >= ${windowMs} THEN 1
      ELSE stored.${count} + 1
    END,
    ${lastRequest} = excluded.${lastRequest}
  WHERE CASE
    WHEN ${elapsed} >= ${windowMs} OR stored.${count} < $3::numeric THEN true
    ELSE pg_catalog.set_config(
      '${REFUSAL_SETTING}',
      ARRAY[
        stored.${count}::bigint,
        stored.${lastRequest},
        ${retryAfter}
      ]::text,
      true
    ) IS NULL
  END
  RETURNING stored.${count}, stored.${lastRequest}
)
SELECT
  counted.${count} AS "count",
  counted.${lastRequest} AS "lastRequest",
  CASE WHEN counted.${count} IS NULL THEN
    pg_catalog.current_setting('${REFUSAL_SETTING}')
  END AS "refusal"
FROM (SELECT) AS request
LEFT JOIN counted ON true`;
}

/** The refused row, as the consume statement's `refusal` column holds it. */
export interface RateLimitRefusal {
  readonly count: number;
  /** Epoch milliseconds of the last counted request. */
  readonly lastRequest: number;
  /** Whole seconds until the window frees up, at least 1. */
  readonly retryAfter: number;
}

/**
 * Reads the consume statement's `refusal` column, `{count,lastRequest,
 * retryAfter}`.
 *
 * @throws {TypeError} when the text is not three integers in array form.
 */
export function parseRefusal(refusal: string): RateLimitRefusal {
  const fields = refusal.slice(1, -1).split(",").map(Number);
  if (
    refusal[0] !== "{" ||
    fields.length !== 3 ||
    !fields.every(Number.isSafeInteger)
  ) {
    throw new TypeError(
      "The rate-limit consume statement returned a refusal that is not three integers.",
    );
  }
  const [count, lastRequest, retryAfter] = fields as [number, number, number];
  return { count, lastRequest, retryAfter };
}

/**
 * Deletes the oldest expired rows, a bounded batch at a time, walking the
 * `lastRequest` index. SKIP LOCKED leaves rows that a consume is deciding
 * right now; FOR UPDATE re-reads each other row at its latest version and
 * holds it, so a row a consume refreshed meanwhile drops out and the rows
 * picked cannot move before the DELETE reaches them by their `ctid`. The
 * planner cannot know how many rows fall before the cutoff (a parameter),
 * and matching the batch by key let it choose a hash join over the whole
 * table on a large one; a TID scan of the picked rows leaves it no choice.
 */
function deleteExpiredSql(columns: QuotedColumns): string {
  const { table, lastRequest } = columns;
  return `WITH cutoff AS MATERIALIZED (
  SELECT (${clockMs("$3")} - pg_catalog.ceil($1::numeric * 1000))::bigint AS before_ms
)
DELETE FROM ${table} AS stored
WHERE stored.ctid = ANY (ARRAY(
    SELECT candidate.ctid
    FROM ${table} AS candidate
    WHERE candidate.${lastRequest} < (SELECT before_ms FROM cutoff)
    ORDER BY candidate.${lastRequest}
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED
  ))
  AND stored.${lastRequest} < (SELECT before_ms FROM cutoff)`;
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
