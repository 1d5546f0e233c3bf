import type { BetterAuthRateLimitStorage } from "@better-auth/core";
import type { DBAdapter } from "@better-auth/core/db/adapter";

interface RateLimitRow {
  key: string;
  count: number;
  lastRequest: number | bigint;
}

const MODEL = "rateLimit";

/**
 * Better Auth 1.7.6's built-in `storage: "database"` rate limiter, issuing
 * the same adapter calls in the same order. Better Auth builds that storage
 * inside its request pipeline (`api/rate-limiter`) and exports neither it
 * nor a way to reach it without an HTTP request, so the bench replays its
 * call sequence on the adapter directly:
 *
 * 1. `findMany` the bucket by key;
 * 2. no bucket: `create` it (a unique violation from a racing create
 *    re-reads and starts over);
 * 3. window elapsed: `incrementOne` guarded by the `lastRequest` it read,
 *    setting count 1, then `deleteMany` the rows older than the longest
 *    window;
 * 4. inside the window: `incrementOne` guarded by `lastRequest > now -
 *    window` and `count < max`; when the guard fails, `findMany` again to
 *    decide between a refusal and a retry.
 *
 * Check this file against `better-auth/dist/api/rate-limiter` when
 * upgrading Better Auth.
 */
export function createAdapterRateLimitStorage(
  adapter: DBAdapter,
  longestWindowSeconds: number,
): BetterAuthRateLimitStorage {
  const readBucket = async (key: string) => {
    const [row] = await adapter.findMany<RateLimitRow>({
      model: MODEL,
      where: [{ field: "key", value: key }],
    });
    return row === undefined
      ? undefined
      : { ...row, lastRequest: Number(row.lastRequest) };
  };

  const pruneExpired = async (now: number) => {
    await adapter.deleteMany({
      model: MODEL,
      where: [
        {
          field: "lastRequest",
          operator: "lt",
          value: now - longestWindowSeconds * 1000,
        },
      ],
    });
  };

  const consume: BetterAuthRateLimitStorage["consume"] = async (key, rule) => {
    const windowMs = rule.window * 1000;
    const bucket = await readBucket(key);
    const now = Date.now();

    if (bucket === undefined) {
      try {
        await adapter.create({
          model: MODEL,
          data: { key, count: 1, lastRequest: now },
        });
        return { allowed: true, retryAfter: null };
      } catch (error) {
        if ((await readBucket(key)) === undefined) throw error;
        return consume(key, rule);
      }
    }

    if (now - bucket.lastRequest >= windowMs) {
      const restarted = await adapter.incrementOne({
        model: MODEL,
        where: [
          { field: "key", value: key },
          { field: "lastRequest", operator: "lte", value: bucket.lastRequest },
        ],
        increment: {},
        set: { count: 1, lastRequest: now },
      });
      if (restarted === null) return consume(key, rule);
      await pruneExpired(now);
      return { allowed: true, retryAfter: null };
    }

    const counted = await adapter.incrementOne({
      model: MODEL,
      where: [
        { field: "key", value: key },
        { field: "lastRequest", operator: "gt", value: now - windowMs },
        { field: "count", operator: "lt", value: rule.max },
      ],
      increment: { count: 1 },
      set: { lastRequest: now },
    });
    if (counted !== null) return { allowed: true, retryAfter: null };

    const fresh = await readBucket(key);
    if (fresh === undefined || now - fresh.lastRequest >= windowMs) {
      return consume(key, rule);
    }
    const retryAfter = Math.ceil((fresh.lastRequest + windowMs - now) / 1000);
    return { allowed: false, retryAfter };
  };

  return { consume };
}
