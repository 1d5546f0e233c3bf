import type { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";

import type pg from "pg";

import type { BenchConfig } from "./bench-config.js";
import type {
  Contestant,
  OperationName,
  OperationRunner,
} from "./contestant.js";
import type { CpuProfile } from "./cpu-profile-summary.js";
import type { BenchOperation } from "./operations.js";
import { seededRandom } from "./seeded-random.js";

/** One profiled block of requests. */
export interface OperationProfile {
  readonly profile: CpuProfile;
  readonly requests: number;
  readonly wallMs: number;
  /** The process's user and system CPU time over the block. */
  readonly cpuMs: number;
}

/** Where and how long to profile. */
export interface ProfileSetup {
  /** A connected inspector session with the profiler enabled. */
  readonly session: Session;
  readonly config: Pick<BenchConfig, "users" | "sessionsPerUser">;
  readonly admin: pg.Pool;
  readonly secret: string;
  readonly requests: number;
  readonly concurrency: number;
}

/**
 * Sends a warm-up block, then `requests` requests of the operation with
 * the CPU profiler on, and returns the profile (null when the contestant
 * does not serve the operation). Inputs and cleanup are the bench's own,
 * outside the profile.
 */
export async function profileOperation(
  setup: ProfileSetup,
  contestant: Contestant,
  operation: BenchOperation,
): Promise<OperationProfile | null> {
  const run = contestant.operations[operation.name] as
    OperationRunner<OperationName> | undefined;
  if (run === undefined) return null;
  const block = (label: string, count: number) => ({
    admin: setup.admin,
    count,
    blockId: `${contestant.namespace}-${label}-${operation.name.toLowerCase()}`,
    namespace: contestant.namespace,
    random: seededRandom(`${label}|${operation.name}`),
    users: setup.config.users,
    sessions: setup.config.users * setup.config.sessionsPerUser,
    secret: setup.secret,
  });

  const warm = block("warm", Math.min(1000, setup.requests));
  await sendAll(run, await operation.prepare(warm), setup.concurrency);
  await operation.finish?.(warm);

  const measured = block("profile", setup.requests);
  const inputs = await operation.prepare(measured);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await setup.session.post("Profiler.start");
  await sendAll(run, inputs, setup.concurrency);
  const { profile } = (await setup.session.post("Profiler.stop")) as {
    profile: CpuProfile;
  };
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await operation.finish?.(measured);

  return {
    profile,
    requests: setup.requests,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function sendAll<Input>(
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
