// `npm run bench`: raw pg, Better Auth's Kysely adapter and ours, measured
// side by side on one Postgres, written to bench/results.md. Settings:
//
//   BENCH_DATABASE_URL  server to use (default the CI server's `test`); the
//                       bench creates `pgac_bench` there and drops it after
//   BENCH_QUICK=1       smoke run of about 20 s (2 short rounds)
//   BENCH_ROUNDS        counted rounds (default 5, quick 2)
//   BENCH_BLOCK_MS      target time of one contestant's turn in a cell
//                       (400, quick 120)
//   BENCH_SLICES        blocks a turn is cut into, alternating between the
//                       contestants (4, quick 2)
//   BENCH_CONCURRENCY   requests in flight, comma-separated (default 1,16)
//   BENCH_POOL_SIZE     max of every contestant's pg.Pool (default 10)
//   BENCH_JOINS=1|0     Better Auth's advanced.database.joins on or off
//                       (default: as auth-codegen.config.ts sets it)
//   BENCH_GENERATE=0|1  skip or force timing `generate` (off in quick mode)
//   BENCH_TRACE=1       print the SQL of one request per operation, no timing
//   BENCH_PROFILE=0     skip the CPU profile of getSession after the rounds
//   BENCH_PROFILE_REQUESTS  requests in that profile (3000, quick 500)
//   BENCH_SYNCHRONOUS_COMMIT=on  wait for the WAL flush on every commit, as
//                       production does (off by default: see bench-config)
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import pg from "pg";
import * as prettier from "prettier";

import {
  describeMachine,
  readBenchConfig,
  type BenchConfig,
} from "./bench-config.js";
import { createBenchDatabase } from "./bench-database.js";
import { createBenchOptions, type BenchOptions } from "./bench-options.js";
import type { Contestant } from "./contestant.js";
import { profileBreakdowns } from "./cpu-breakdown.js";
import { createKyselyContestant } from "./contestants/kysely-contestant.js";
import {
  loadOurContestant,
  OUR_NAME,
  OUR_VARIANTS,
  type OurContestant,
} from "./contestants/our-contestant.js";
import { createRawPgContestant } from "./contestants/raw-pg-contestant.js";
import { BENCH_OPERATIONS } from "./operations.js";
import { renderReport, type CpuReport } from "./report.js";
import { runRounds } from "./run-rounds.js";
import { seedDatabase, seedRateLimitKeys } from "./seed-database.js";
import { timeGenerate, type GenerateTiming } from "./time-generate.js";
import { traceStatements } from "./trace-statements.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const FLOOR = "raw pg";

async function main(): Promise<void> {
  const started = performance.now();
  const config = readBenchConfig();
  const options = createBenchOptions(config);
  const loadBefore = os.loadavg();

  log(`creating database ${config.databaseName}`);
  const database = await createBenchDatabase(config, options);
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  const contestants: Contestant[] = [];

  try {
    log("seeding");
    await seedDatabase(admin, config);
    const postgresVersion = await readServerVersion(admin);

    contestants.push(
      createRawPgContestant(database.url, config.poolSize),
      createKyselyContestant(database.url, config.poolSize, options),
    );
    const variants: OurContestant[] = [];
    for (const variant of OUR_VARIANTS) {
      variants.push(
        await loadOurContestant(
          root,
          database.url,
          config.poolSize,
          options,
          variant,
        ),
      );
    }
    for (const loaded of variants) {
      if (loaded.contestant !== null) contestants.push(loaded.contestant);
    }
    const ours = variants[0]!;
    if (ours.missing !== null) log(`${OUR_NAME}: ${ours.missing}`);
    for (const contestant of contestants) {
      await seedRateLimitKeys(admin, contestant.namespace);
    }

    if (config.trace) {
      process.stdout.write(
        await traceStatements(
          config,
          contestants,
          BENCH_OPERATIONS,
          admin,
          options.secret,
        ),
      );
      return;
    }

    log(
      `measuring ${contestants.map((c) => c.name).join(", ")}: ${config.rounds} rounds`,
    );
    const measurements = await runRounds({
      config,
      contestants,
      operations: BENCH_OPERATIONS,
      admin,
      secret: options.secret,
      log,
    });
    const loadAfter = os.loadavg();

    const cpu = await profileGetSession(config, contestants, admin, options);

    const generate = await timeGenerateIfWanted(config.timeGenerate);

    const report = renderReport(measurements, {
      config,
      date: new Date(),
      machine: describeMachine(),
      nodeVersion: process.version,
      postgresVersion,
      loadBefore,
      loadAfter,
      cores: os.cpus().length,
      floor: FLOOR,
      contestants: contestants.map((contestant) => contestant.name),
      missing:
        ours.contestant === null
          ? [{ name: OUR_NAME, reason: ours.missing ?? "" }]
          : [],
      operations: BENCH_OPERATIONS,
      notes: [
        config.synchronousCommit
          ? "Commits wait for the WAL flush (`BENCH_SYNCHRONOUS_COMMIT=on`): writes at 1 in flight follow the disk more than the code."
          : "Commits do not wait for the WAL flush (`synchronous_commit` off on the bench database): with production's default every write also pays one disk flush per commit, the same for every contestant, which on a shared machine drowns their differences. `BENCH_SYNCHRONOUS_COMMIT=on` measures that instead.",
        ...(ours.contestant !== null && ours.missing !== null
          ? [
              `${OUR_NAME}: partly measured (its other cells read n/a). ${ours.missing}`,
            ]
          : []),
        ...options.notes,
        ...contestants.flatMap((contestant) => contestant.notes),
        "Adapters are driven through Better Auth's `DBAdapter` with the calls Better Auth 1.7.6's internal adapter makes: delete session reads the row first (for delete hooks) and then deletes, find user by email passes an empty join, list sessions filters to active sessions.",
        `${OUR_NAME} runs its statements as named prepared statements here (\`preparedStatements: "auto"\` on a direct connection): PostgreSQL parses and plans each once per connection. Raw pg sends unnamed statements, as \`pool.query\` does. "${OUR_NAME}, unnamed statements" is the same adapter with \`preparedStatements: false\`, what an app behind PgBouncer before 1.21 in transaction mode gets.`,
        "Delete session (adapter.delete alone) is the adapter's delete without the read Better Auth makes before it, against raw pg's same single DELETE.",
      ],
      cpu,
      generate,
      totalSeconds: (performance.now() - started) / 1000,
    });

    // Formatted as CI's `prettier --check` expects the committed file.
    const resultsPath = path.join(root, "bench", "results.md");
    const formatted = await prettier.format(report, {
      ...(await prettier.resolveConfig(resultsPath)),
      parser: "markdown",
    });
    await writeFile(resultsPath, formatted);
    process.stdout.write(formatted);
  } finally {
    // pg's pool.end() resolves before its clients' sockets have closed, and
    // the database's drop (WITH FORCE) may terminate them first: without a
    // listener that is an uncaught 'error' event.
    for (const contestant of contestants) {
      contestant.counting.pool.on("error", () => {});
      await contestant.close();
    }
    admin.on("error", () => {});
    await admin.end();
    await database.drop();
    log(`dropped database ${config.databaseName}`);
  }
}

async function readServerVersion(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ version: string; commit: string }>(
    `SELECT current_setting('server_version') AS version,
            current_setting('synchronous_commit') AS commit`,
  );
  return `${rows[0]!.version}; synchronous_commit ${rows[0]!.commit} on the bench database`;
}

/**
 * Where getSession's CPU time goes for each contestant that runs Better
 * Auth, profiled at the highest level of requests in flight.
 */
async function profileGetSession(
  config: BenchConfig,
  contestants: readonly Contestant[],
  admin: pg.Pool,
  options: BenchOptions,
): Promise<CpuReport | null> {
  if (config.profileRequests === 0) return null;
  const operation = BENCH_OPERATIONS.find(
    (candidate) => candidate.name === "getSession",
  )!;
  const concurrency = Math.max(...config.concurrency);
  log(`profiling ${operation.label}`);
  const breakdowns = await profileBreakdowns({
    contestants: contestants.filter((contestant) => contestant.name !== FLOOR),
    operation,
    config,
    admin,
    secret: options.secret,
    requests: config.profileRequests,
    concurrency,
  });
  return { operation: operation.label, concurrency, breakdowns };
}

async function timeGenerateIfWanted(
  wanted: boolean,
): Promise<GenerateTiming | null> {
  if (!wanted) return null;
  log("timing generate");
  return timeGenerate(root);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
