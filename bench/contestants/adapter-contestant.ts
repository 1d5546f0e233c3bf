import type { BetterAuthRateLimitStorage } from "@better-auth/core";
import type {
  DBAdapter,
  DBAdapterInstance,
} from "@better-auth/core/db/adapter";
import { betterAuth } from "better-auth";

import type { BenchOptions } from "../bench-options.js";
import type { Contestant, ContestantOperations } from "../contestant.js";
import type { CountingPool } from "../counting-pool.js";
import { RATE_LIMIT_RULE } from "../rate-limit-rule.js";

/** What it takes to enter a Better Auth adapter into the bench. */
export interface AdapterContestantParts {
  readonly name: string;
  readonly namespace: string;
  readonly counting: CountingPool;
  /** What the app passes as `database`; `factory(options)` is the adapter. */
  readonly factory: DBAdapterInstance;
  readonly options: BenchOptions;
  /** The rate-limit storage this contestant would run in production. */
  readonly rateLimit: (adapter: DBAdapter) => BetterAuthRateLimitStorage;
  readonly notes?: readonly string[];
  /** Ends what the contestant opened besides the pool (e.g. Kysely). */
  readonly close?: () => Promise<void>;
}

/**
 * A contestant that serves every operation through the Better Auth adapter
 * contract, with the exact calls Better Auth 1.7.6's internal adapter makes
 * (`db/internal-adapter` and `db/with-hooks`), and getSession through a real
 * `betterAuth()` instance over the same adapter.
 */
export function createAdapterContestant(
  parts: AdapterContestantParts,
): Contestant {
  const adapter = parts.factory(parts.options.auth);
  const auth = betterAuth({ ...parts.options.auth, database: parts.factory });
  const rateLimit = parts.rateLimit(adapter);

  return {
    name: parts.name,
    namespace: parts.namespace,
    counting: parts.counting,
    notes: parts.notes ?? [],
    operations: {
      ...adapterOperations(adapter),
      rateLimitConsume: (key) => rateLimit.consume(key, RATE_LIMIT_RULE),
      getSession: (headers) => auth.api.getSession({ headers }),
    },
    close: async () => {
      await parts.close?.();
      await parts.counting.pool.end().catch(() => {});
    },
  };
}

function adapterOperations(adapter: DBAdapter): ContestantOperations {
  return {
    // `internalAdapter.createUser` through `createWithHooks`.
    createUser: (user) => {
      const now = new Date();
      return adapter.create({
        model: "user",
        data: {
          createdAt: now,
          updatedAt: now,
          name: user.name,
          email: user.email.toLowerCase(),
          emailVerified: false,
        },
        forceAllowId: true,
      });
    },

    // `findUserByEmail` without accounts still passes an (empty) join.
    findUserByEmail: (email) =>
      adapter.findOne({
        model: "user",
        where: [{ value: email.toLowerCase(), field: "email" }],
        join: {},
      }),

    // `findSession`, the database half of getSession.
    sessionWithUser: (token) =>
      adapter.findOne({
        model: "session",
        where: [{ value: token, field: "token" }],
        join: { user: true },
      }),

    // `updateSession` as getSession's refresh calls it.
    updateSession: (token) => {
      const now = new Date();
      return adapter.update({
        model: "session",
        update: {
          expiresAt: new Date(now.getTime() + 7 * 86_400_000),
          updatedAt: now,
        },
        where: [{ field: "token", value: token }],
      });
    },

    // `listSessions(userId, { onlyActiveSessions: true })`, /list-sessions.
    listSessions: (userId) =>
      adapter.findMany({
        model: "session",
        where: [
          { field: "userId", value: userId },
          { field: "expiresAt", value: new Date(), operator: "gt" },
        ],
      }),

    // `countTotalUsers()` without a filter.
    countUsers: () => adapter.count({ model: "user", where: undefined }),

    // `deleteSession` through `deleteWithHooks`: it reads the row for the
    // delete hooks first, and deletes only when the read found one.
    deleteSession: async (token) => {
      const where = [{ field: "token", value: token }];
      const [found] = await adapter.findMany({
        model: "session",
        where,
        limit: 1,
      });
      if (found !== undefined) {
        await adapter.delete({ model: "session", where });
      }
    },

    deleteSessionRow: (token) =>
      adapter.delete({
        model: "session",
        where: [{ field: "token", value: token }],
      }),
  };
}
