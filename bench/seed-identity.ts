import { createHash } from "node:crypto";

// The seed's ids and tokens look like Better Auth's (32 random-looking
// characters) so index pages fill as they would in production; md5 makes
// them computable both here and in the seeding SQL.

/** The id of seeded user `index` (0-based). */
export function seededUserId(index: number): string {
  return md5(`user-${index}`);
}

/** The email of seeded user `index`; Better Auth stores emails lowercased. */
export function seededUserEmail(index: number): string {
  return `user${index}@bench.test`;
}

/** The token of seeded session `index`; session `i` belongs to user `i % users`. */
export function seededSessionToken(index: number): string {
  return md5(`token-${index}`);
}

/** The key of rate-limit bucket `index` in one contestant's namespace. */
export function rateLimitKey(namespace: string, index: number): string {
  return `${namespace}|198.51.${Math.floor(index / 256)}.${index % 256}|/get-session`;
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}
