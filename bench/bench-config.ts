import os from "node:os";

/** How one run of the benchmark is shaped; every field comes from the env. */
export interface BenchConfig {
  /** The server; the bench creates and drops its own database on it. */
  readonly serverUrl: string;
  readonly databaseName: string;
  readonly quick: boolean;
  /** Measured rounds, after one calibration round that is not counted. */
  readonly rounds: number;
  /** The target time of one contestant's turn in a cell, in milliseconds. */
  readonly blockMs: number;
  /** Blocks a turn is cut into, taken in alternation with the others'. */
  readonly slices: number;
  /** Requests in flight, one row of the table per level. */
  readonly concurrency: readonly number[];
  /** `max` of every contestant's `pg.Pool`. */
  readonly poolSize: number;
  readonly users: number;
  readonly sessionsPerUser: number;
  /** Whether to time `npm run generate` and `generate --check`. */
  readonly timeGenerate: boolean;
  /**
   * Better Auth's `advanced.database.joins` when `BENCH_JOINS` says (`1`
   * on, `0` off); null keeps this repository's config's setting. Off,
   * Better Auth fetches joined models with a query of their own.
   */
  readonly joins: boolean | null;
  /**
   * `synchronous_commit` of the bench database. Off by default: with it on,
   * every write waits for a WAL flush, and on a shared machine the disk's
   * jitter then drowns the differences between contestants.
   */
  readonly synchronousCommit: boolean;
  /**
   * Requests of getSession profiled per adapter contestant after the
   * rounds, to split its CPU time between Better Auth, the adapter and the
   * driver; 0 skips it.
   */
  readonly profileRequests: number;
  /** Print the SQL of one request per operation and contestant, time nothing. */
  readonly trace: boolean;
}

const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Reads `BENCH_*` variables; a bad value is an error, never a silent default. */
export function readBenchConfig(env = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === "1";

  return {
    serverUrl: env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL,
    databaseName: "pgac_bench",
    quick,
    rounds: readInteger(env, "BENCH_ROUNDS", quick ? 2 : 6),
    blockMs: readInteger(env, "BENCH_BLOCK_MS", quick ? 120 : 400),
    slices: readInteger(env, "BENCH_SLICES", quick ? 2 : 4),
    concurrency: readList(env, "BENCH_CONCURRENCY", [1, 16]),
    poolSize: readInteger(env, "BENCH_POOL_SIZE", 10),
    users: 10_000,
    sessionsPerUser: 5,
    // Generation takes tens of seconds (PGlite and pgtyped start each time),
    // more than a whole quick run, so quick mode skips it unless asked.
    timeGenerate: quick
      ? env.BENCH_GENERATE === "1"
      : env.BENCH_GENERATE !== "0",
    joins: readSwitch(env, "BENCH_JOINS"),
    profileRequests:
      env.BENCH_PROFILE === "0"
        ? 0
        : readInteger(env, "BENCH_PROFILE_REQUESTS", quick ? 500 : 3000),
    trace: env.BENCH_TRACE === "1",
    synchronousCommit: env.BENCH_SYNCHRONOUS_COMMIT === "on",
  };
}

/** One line naming the machine, for the results file's header. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memoryGb = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} × ${model}, ${memoryGb} GB RAM, ${os.platform()} ${os.release()}`;
}

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer.`);
  }
  return value;
}

function readSwitch(env: NodeJS.ProcessEnv, name: string): boolean | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  if (raw === "1") return true;
  if (raw === "0") return false;
  throw new Error(`${name} must be 1 (on) or 0 (off).`);
}

function readList(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number[],
): number[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;

  return raw.split(",").map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${name} must be a comma-separated list of positive integers.`,
      );
    }
    return value;
  });
}
