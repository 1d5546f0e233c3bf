// `npx tsx --conditions=pg-auth-codegen-source bench/profile.ts`: CPU
// profiles of the adapter contestants, one operation at a time, attributed
// to the code that spent the time (Better Auth, its adapter factory, our
// runtime, the pg driver). CPU profiles hold
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
import type { Contestant } from "./contestant.js";
import { createKyselyContestant } from "./contestants/kysely-contestant.js";
import { loadOurContestant } from "./contestants/our-contestant.js";
import { createRawPgContestant } from "./contestants/raw-pg-contestant.js";
import { summariseProfile } from "./cpu-profile-summary.js";
import { BENCH_OPERATIONS } from "./operations.js";
import {
  profileOperation,
  type OperationProfile,
} from "./profile-operation.js";
import { seedDatabase } from "./seed-database.js";

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

    const setup = {
      session,
      config,
      admin,
      secret: options.secret,
      requests,
      concurrency,
    };
    for (const operation of operations) {
      for (const contestant of contestants) {
        const measured = await profileOperation(setup, contestant, operation);
        if (measured === null) continue;

        if (out !== undefined) {
          await mkdir(out, { recursive: true });
          await writeFile(
            path.join(
              out,
              `${operation.name}-${contestant.namespace}.cpuprofile`,
            ),
            JSON.stringify(measured.profile),
          );
        }
        report(operation.label, contestant.name, measured);
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
  measured: OperationProfile,
): void {
  const summary = summariseProfile(measured.profile);
  const perRequest = (ms: number) =>
    `${((ms / measured.requests) * 1000).toFixed(1)} µs`;
  const lines = [
    `## ${operation}: ${contestant}`,
    `${measured.requests} requests, wall ${measured.wallMs.toFixed(0)} ms, process CPU ${perRequest(measured.cpuMs)}/request`,
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

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
