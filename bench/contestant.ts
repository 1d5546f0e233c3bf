import type { CountingPool } from "./counting-pool.js";

/** The operations the bench measures, in the order the report lists them. */
export const OPERATION_NAMES = [
  "createUser",
  "findUserByEmail",
  "sessionWithUser",
  "updateSession",
  "listSessions",
  "countUsers",
  "deleteSession",
  "deleteSessionRow",
  "rateLimitConsume",
  "getSession",
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

/** A sign-up's user, before the contestant adds id and timestamps. */
export interface NewUser {
  readonly name: string;
  readonly email: string;
}

/** What one request of each operation is given. */
export interface OperationInputs {
  createUser: NewUser;
  findUserByEmail: string;
  sessionWithUser: string;
  updateSession: string;
  listSessions: string;
  countUsers: null;
  deleteSession: string;
  deleteSessionRow: string;
  rateLimitConsume: string;
  getSession: Headers;
}

/** One request of an operation, as a contestant serves it. */
export type OperationRunner<K extends OperationName> = (
  input: OperationInputs[K],
) => Promise<unknown>;

/** A contestant may leave out an operation it cannot serve. */
export type ContestantOperations = {
  [K in OperationName]?: OperationRunner<K>;
};

/**
 * One way of talking to Postgres that the bench measures. Adding a
 * contestant is building one of these over its own counting pool.
 */
export interface Contestant {
  /** The column heading in the report. */
  readonly name: string;
  /** A short tag that keeps its rate-limit buckets apart from the others'. */
  readonly namespace: string;
  readonly operations: ContestantOperations;
  /** Its pool, which counts (and on request records) what it sends. */
  readonly counting: CountingPool;
  /** Footnotes the report prints under the table. */
  readonly notes: readonly string[];
  close(): Promise<void>;
}
