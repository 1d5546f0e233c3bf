import { makeSignature } from "better-auth/crypto";
import type pg from "pg";

import type { OperationInputs, OperationName } from "./contestant.js";
import { RATE_LIMIT_KEYS } from "./seed-database.js";
import {
  rateLimitKey,
  seededSessionToken,
  seededUserEmail,
  seededUserId,
} from "./seed-identity.js";

/** What the untimed steps around one measured block know. */
export interface BlockContext {
  readonly admin: pg.Pool;
  /** How many requests the block sends. */
  readonly count: number;
  /** Unique per block, so rows one block creates never meet another's. */
  readonly blockId: string;
  /** The contestant's namespace, for its rate-limit buckets. */
  readonly namespace: string;
  /** Seeded by operation and round: every contestant gets the same inputs. */
  readonly random: () => number;
  readonly users: number;
  readonly sessions: number;
  readonly secret: string;
}

/** One measured operation: its inputs, its sanity check, its cleanup. */
export interface BenchOperation<K extends OperationName = OperationName> {
  readonly name: K;
  readonly label: string;
  /** Builds the block's inputs (and any rows they need), untimed. */
  prepare(block: BlockContext): Promise<OperationInputs[K][]>;
  /** Rejects a result that shows the request did not do its work. */
  check(result: unknown): boolean;
  /** Untimed: removes what the block added and verifies what it removed. */
  finish?(block: BlockContext): Promise<void>;
}

const signatures = new Map<string, string>();

const randomUser = (block: BlockContext) =>
  Math.floor(block.random() * block.users);
const randomSession = (block: BlockContext) =>
  Math.floor(block.random() * block.sessions);
const times = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, index) => make(index));
const isPresent = (result: unknown) => result !== null && result !== undefined;

const createUser: BenchOperation<"createUser"> = {
  name: "createUser",
  label: "create user",
  prepare: async (block) =>
    times(block.count, (index) => ({
      name: `New ${index}`,
      email: `new-${block.blockId}-${index}@bench.test`,
    })),
  check: isPresent,
  finish: async (block) => {
    // Keeps the user table at its seeded size so that later blocks (count
    // users above all) measure the same table for every contestant.
    const { rowCount } = await block.admin.query(
      `DELETE FROM "user" WHERE "email" LIKE $1`,
      [`new-${block.blockId}-%`],
    );
    if (rowCount !== block.count) {
      throw new Error(
        `A create-user block stored ${rowCount} of ${block.count} users.`,
      );
    }
  },
};

const findUserByEmail: BenchOperation<"findUserByEmail"> = {
  name: "findUserByEmail",
  label: "find user by email",
  prepare: async (block) =>
    times(block.count, () => seededUserEmail(randomUser(block))),
  check: isPresent,
};

const sessionWithUser: BenchOperation<"sessionWithUser"> = {
  name: "sessionWithUser",
  label: "session with user by token",
  prepare: async (block) =>
    times(block.count, () => seededSessionToken(randomSession(block))),
  check: isPresent,
};

const updateSession: BenchOperation<"updateSession"> = {
  name: "updateSession",
  label: "update session",
  prepare: async (block) =>
    times(block.count, () => seededSessionToken(randomSession(block))),
  check: isPresent,
};

const listSessions: BenchOperation<"listSessions"> = {
  name: "listSessions",
  label: "list a user's sessions",
  prepare: async (block) =>
    times(block.count, () => seededUserId(randomUser(block))),
  check: (result) => Array.isArray(result) && result.length > 0,
};

const countUsers: BenchOperation<"countUsers"> = {
  name: "countUsers",
  label: "count users",
  prepare: async (block) => times(block.count, () => null),
  check: (result) => Number(result) > 0,
};

/** Inserts the sessions a delete block removes; returns their tokens. */
async function sessionsToDelete(block: BlockContext): Promise<string[]> {
  const prefix = `del-${block.blockId}-`;
  await block.admin.query(
    `INSERT INTO "session" ("id", "token", "userId", "expiresAt", "createdAt", "updatedAt")
     SELECT md5($1 || i), $1 || i, md5('user-' || (i % $3::int)),
            now() + interval '7 days', now(), now()
     FROM generate_series(0, $2::int - 1) AS i`,
    [prefix, block.count, block.users],
  );
  return times(block.count, (index) => `${prefix}${index}`);
}

async function checkSessionsDeleted(block: BlockContext): Promise<void> {
  const { rows } = await block.admin.query<{ left: number }>(
    `SELECT count(*)::int AS "left" FROM "session" WHERE "token" LIKE $1`,
    [`del-${block.blockId}-%`],
  );
  if (rows[0]?.left !== 0) {
    throw new Error(`A delete-session block left ${rows[0]?.left} sessions.`);
  }
}

const deleteSession: BenchOperation<"deleteSession"> = {
  name: "deleteSession",
  label: "delete session",
  prepare: sessionsToDelete,
  check: () => true,
  finish: checkSessionsDeleted,
};

// The adapter's own delete, without the read Better Auth makes before it:
// what the adapter can speed up, next to raw pg's same single DELETE.
const deleteSessionRow: BenchOperation<"deleteSessionRow"> = {
  name: "deleteSessionRow",
  label: "delete session (adapter.delete alone)",
  prepare: sessionsToDelete,
  check: () => true,
  finish: checkSessionsDeleted,
};

const rateLimitConsume: BenchOperation<"rateLimitConsume"> = {
  name: "rateLimitConsume",
  label: "rate-limit consume",
  prepare: async (block) =>
    times(block.count, () =>
      rateLimitKey(
        block.namespace,
        Math.floor(block.random() * RATE_LIMIT_KEYS),
      ),
    ),
  check: (result) => (result as { allowed?: unknown })?.allowed === true,
};

const getSession: BenchOperation<"getSession"> = {
  name: "getSession",
  label: "auth.api.getSession (cookie)",
  prepare: async (block) => {
    const tokens = times(block.count, () =>
      seededSessionToken(randomSession(block)),
    );
    return Promise.all(
      tokens.map(async (token) => {
        const cookie = await signedSessionCookie(token, block.secret);
        return new Headers({ cookie });
      }),
    );
  },
  check: isPresent,
};

/** Every operation, in the report's order. */
export const BENCH_OPERATIONS: readonly BenchOperation[] = [
  createUser,
  findUserByEmail,
  sessionWithUser,
  updateSession,
  listSessions,
  countUsers,
  deleteSession,
  deleteSessionRow,
  rateLimitConsume,
  getSession,
] as BenchOperation[];

/**
 * The cookie a browser sends after sign-in: Better Auth's session cookie
 * holds `token.signature`, an HMAC of the token under the auth secret,
 * URI-encoded.
 */
async function signedSessionCookie(
  token: string,
  secret: string,
): Promise<string> {
  let signature = signatures.get(token);
  if (signature === undefined) {
    signature = await makeSignature(token, secret);
    signatures.set(token, signature);
  }
  return `better-auth.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
}
