// `npx tsx bench/profile.ts`: CPU profiles of the adapter contestants, one
// operation at a time, attributed to the code that spent the time (Better
// Auth, its adapter factory, our runtime, the pg driver). CPU profiles hold
// up on a busy machine where wall-clock rates do not. Settings:
//
//   PROFILE_OPERATIONS   comma-separated operation names (default: all but
//                        rate limiting)
//   PROFILE_CONTESTANTS  "pg-auth-codegen", "Better Auth Kysely", "raw pg"
//                        (default the first two), comma-separated
//   PROFILE_REQUESTS     requests per profile (default 4000)
//   PROFILE_CONCURRENCY  requests in flight (default 16)
//   PROFILE_OUT          a folder to write each .cpuprofile to (optional)
//   BENCH_DATABASE_URL, BENCH_JOINS as for `npm run bench`
import { mkdir, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { readBenchConfig } from "./bench-config.js";
import { createBenchDatabase } from "./bench-database.js";
import { createBenchOptions } from "./bench-options.js";
import type {
  Contestant,
  OperationName,
  OperationRunner,
} from "./contestant.js";
import { createKyselyContestant } from "./contestants/kysely-contestant.js";
import { loadOurContestant } from "./contestants/our-contestant.js";
import { createRawPgContestant } from "./contestants/raw-pg-contestant.js";
import { summariseProfile, type CpuProfile } from "./cpu-profile-summary.js";
import { BENCH_OPERATIONS } from "./operations.js";
import { seedDatabase } from "./seed-database.js";
import { seededRandom } from "./seeded-random.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  const config = { ...readBenchConfig(), databaseName: "pgac_profile" };
  const options = createBenchOptions(config);
  const requests = Number(process.env.PROFILE_REQUESTS ?? 4000);
  const concurrency = Number(process.env.PROFILE_CONCURRENCY ?? 16);
  const wanted = (process.env.PROFILE_OPERATIONS ?? "")
    .split(",")
    .filter(Boolean);
  const contestantNames = (
    process.env.PROFILE_CONTESTANTS ?? "pg-auth-codegen,Better Auth Kysely"
  ).split(",");
  const out = process.env.PROFILE_OUT;

  const database = await createBenchDatabase(config, options);
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  const contestants: Contestant[] = [];
  const session = new Session();
  session.connect();

  try {
    await seedDatabase(admin, config);
    if (contestantNames.includes("raw pg")) {
      contestants.push(createRawPgContestant(database.url, config.poolSize));
    }
    if (contestantNames.includes("Better Auth Kysely")) {
      contestants.push(
        createKyselyContestant(database.url, config.poolSize, options),
      );
    }
    if (contestantNames.includes("pg-auth-codegen")) {
      const ours = await loadOurContestant(
        root,
        database.url,
        config.poolSize,
        options,
      );
      if (ours.contestant !== null) contestants.push(ours.contestant);
    }

    const operations = BENCH_OPERATIONS.filter((operation) =>
      wanted.length === 0
        ? operation.name !== "rateLimitConsume"
        : wanted.includes(operation.name),
    );
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });

    for (const operation of operations) {
      for (const contestant of contestants) {
        const run = contestant.operations[operation.name] as
          OperationRunner<OperationName> | undefined;
        if (run === undefined) continue;
        const block = (label: string, count: number) => ({
          admin,
          count,
          blockId: `${contestant.namespace}-${label}-${operation.name.toLowerCase()}`,
          namespace: contestant.namespace,
          random: seededRandom(`${label}|${operation.name}`),
          users: config.users,
          sessions: config.users * config.sessionsPerUser,
          secret: options.secret,
        });

        const warm = block("warm", Math.min(1000, requests));
        await runAll(run, await operation.prepare(warm), concurrency);
        await operation.finish?.(warm);

        const measured = block("profile", requests);
        const inputs = await operation.prepare(measured);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await session.post("Profiler.start");
        await runAll(run, inputs, concurrency);
        const { profile } = (await session.post("Profiler.stop")) as {
          profile: CpuProfile;
        };
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        await operation.finish?.(measured);

        if (out !== undefined) {
          await mkdir(out, { recursive: true });
          await writeFile(
            path.join(
              out,
              `${operation.name}-${contestant.namespace}.cpuprofile`,
            ),
            JSON.stringify(profile),
          );
        }
        report(operation.label, contestant.name, profile, {
          requests,
          wallMs,
          cpuMs: (cpu.user + cpu.system) / 1000,
        });
      }
    }
  } finally {
    session.disconnect();
    for (const contestant of contestants) {
      // pg's pool.end() resolves before its clients' sockets close, and the
      // database's drop (WITH FORCE) may terminate them first.
      contestant.counting.pool.on("error", () => {});
      await contestant.close();
    }
    await admin.end();
    await database.drop();
  }
}

function report(
  operation: string,
  contestant: string,
  profile: CpuProfile,
  run: { requests: number; wallMs: number; cpuMs: number },
): void {
  const summary = summariseProfile(profile);
  const perRequest = (ms: number) =>
    `${((ms / run.requests) * 1000).toFixed(1)} µs`;
  const lines = [
    `## ${operation}: ${contestant}`,
    `${run.requests} requests, wall ${run.wallMs.toFixed(0)} ms, process CPU ${perRequest(run.cpuMs)}/request`,
    "",
    ...summary.byOwner
      .filter((entry) => entry.owner !== "idle" && entry.owner !== "profiler")
      .map(
        (entry) =>
          `  ${entry.owner.padEnd(30)} ${perRequest(entry.ms).padStart(10)}`,
      ),
    "",
    ...summary.topSelf
      .slice(0, Number(process.env.PROFILE_TOP ?? 20))
      .map(
        (entry) =>
          `  ${perRequest(entry.ms).padStart(10)}  ${entry.owner.padEnd(28)} ${entry.name}`,
      ),
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function runAll<Input>(
  run: (input: Input) => Promise<unknown>,
  inputs: readonly Input[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next]!;
      next += 1;
      await run(input);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
