import { generateId } from "@better-auth/core/utils/id";
import type pg from "pg";

// Better Auth's rolling window in one statement, on the database clock: a
// bucket past its window restarts at 1; inside it the count grows until it
// reaches max + 1, which marks the request as refused and stops growing,
// and `lastRequest` moves only for counted requests.
const CONSUME = `
WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms)
INSERT INTO "rateLimit" AS r ("id", "key", "count", "lastRequest")
SELECT $1, $2, 1, now_ms FROM clock
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE
    WHEN r."lastRequest" <= excluded."lastRequest" - $3::bigint THEN 1
    ELSE least(r."count" + 1, $4::int + 1) END,
  "lastRequest" = CASE
    WHEN r."lastRequest" <= excluded."lastRequest" - $3::bigint
      OR r."count" < $4::int THEN excluded."lastRequest"
    ELSE r."lastRequest" END
RETURNING "count", "lastRequest"`;

/**
 * The raw floor's rate-limit consume: one hand-written upsert on the
 * `rateLimit` table of this repository's schema.
 */
export async function rawRateLimitConsume(
  pool: pg.Pool,
  key: string,
  rule: { window: number; max: number },
): Promise<{ allowed: boolean; retryAfter: number | null }> {
  const windowMs = rule.window * 1000;
  const { rows } = await pool.query<{ count: number; lastRequest: string }>(
    CONSUME,
    [generateId(), key, windowMs, rule.max],
  );

  const row = rows[0]!;
  if (row.count <= rule.max) return { allowed: true, retryAfter: null };
  const freesAt = Number(row.lastRequest) + windowMs;
  return {
    allowed: false,
    retryAfter: Math.ceil((freesAt - Date.now()) / 1000),
  };
}
