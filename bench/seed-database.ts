import type pg from "pg";

import type { BenchConfig } from "./bench-config.js";
import { rateLimitKey } from "./seed-identity.js";

/** How many rate-limit buckets each contestant cycles through. */
export const RATE_LIMIT_KEYS = 1000;

/**
 * Seeds the users and sessions every contestant reads. Ids, emails and
 * tokens are computed by the same rules as `seed-identity.ts`, in SQL, so
 * the seed is one statement per table however large.
 */
export async function seedDatabase(
  admin: pg.Pool,
  config: BenchConfig,
): Promise<void> {
  const sessions = config.users * config.sessionsPerUser;

  await admin.query(
    `INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
     SELECT md5('user-' || i), 'User ' || i, 'user' || i || '@bench.test', true,
            now() - interval '30 days', now() - interval '30 days'
     FROM generate_series(0, $1::int - 1) AS i`,
    [config.users],
  );

  // Sessions expire in seven days, Better Auth's default `expiresIn`, so
  // getSession never takes its refresh branch (that needs the session to be
  // older than `updateAge`, one day).
  await admin.query(
    `INSERT INTO "session" ("id", "token", "userId", "expiresAt", "createdAt", "updatedAt", "ipAddress", "userAgent")
     SELECT md5('session-' || i), md5('token-' || i), md5('user-' || (i % $2::int)),
            now() + interval '7 days', now(), now(), '198.51.100.7', 'bench'
     FROM generate_series(0, $1::int - 1) AS i`,
    [sessions, config.users],
  );

  await admin.query(`VACUUM ANALYZE "user", "session"`);
}

/**
 * Gives a contestant its own rate-limit buckets, already holding one
 * request, so that the measured consumes take the steady path (a bucket
 * inside its window) rather than the first-request insert.
 */
export async function seedRateLimitKeys(
  admin: pg.Pool,
  namespace: string,
): Promise<void> {
  const keys = Array.from({ length: RATE_LIMIT_KEYS }, (_, index) =>
    rateLimitKey(namespace, index),
  );

  await admin.query(
    `INSERT INTO "rateLimit" ("id", "key", "count", "lastRequest")
     SELECT md5(key), key, 1, (extract(epoch FROM now()) * 1000)::bigint
     FROM unnest($1::text[]) AS key`,
    [keys],
  );
}
