import { Session } from "node:inspector/promises";

import type { Contestant } from "./contestant.js";
import { summariseProfile } from "./cpu-profile-summary.js";
import type { BenchOperation } from "./operations.js";
import {
  profileOperation,
  type OperationProfile,
  type ProfileSetup,
} from "./profile-operation.js";

/** The parts a request's CPU time is split into, in the report's order. */
export const CPU_PARTS = [
  "Better Auth",
  "Better Auth's adapter factory",
  "adapter",
  "pg driver",
  "garbage collection",
  "other",
] as const;

export type CpuPart = (typeof CPU_PARTS)[number];

/** One contestant's profile of one operation, split into parts. */
export interface CpuBreakdown {
  readonly contestant: string;
  /** Each part's share of the sampled busy time (0 to 1). */
  readonly shares: Readonly<Record<CpuPart, number>>;
  /** The process's CPU time per request while profiled, in µs. */
  readonly cpuMicros: number;
  readonly requests: number;
}

const PART_OF_OWNER: Readonly<Record<string, CpuPart | null>> = {
  "Better Auth": "Better Auth",
  "Better Auth instrumentation": "Better Auth",
  "Better Auth adapter factory": "Better Auth's adapter factory",
  "Kysely adapter": "adapter",
  "pg-auth-codegen": "adapter",
  "pg driver": "pg driver",
  GC: "garbage collection",
  idle: null,
  profiler: null,
};

/**
 * Splits a profile into the parts the report shows. Idle time and the
 * profiler's own are left out; what no known package called (V8, Node's
 * event loop, the bench's loop) is "other".
 */
export function breakDownProfile(
  contestant: string,
  measured: OperationProfile,
): CpuBreakdown {
  const summary = summariseProfile(measured.profile);
  const totals = Object.fromEntries(
    CPU_PARTS.map((part) => [part, 0]),
  ) as Record<CpuPart, number>;
  let busy = 0;
  for (const { owner, ms } of summary.byOwner) {
    const part = Object.hasOwn(PART_OF_OWNER, owner)
      ? PART_OF_OWNER[owner]!
      : "other";
    if (part === null) continue;
    totals[part] += ms;
    busy += ms;
  }

  const shares = Object.fromEntries(
    CPU_PARTS.map((part) => [part, busy === 0 ? 0 : totals[part] / busy]),
  ) as Record<CpuPart, number>;
  return {
    contestant,
    shares,
    cpuMicros: (measured.cpuMs / measured.requests) * 1000,
    requests: measured.requests,
  };
}

/** What `profileBreakdowns` profiles, and with what. */
export interface BreakdownPlan {
  readonly contestants: readonly Contestant[];
  readonly operation: BenchOperation;
  readonly config: ProfileSetup["config"];
  readonly admin: ProfileSetup["admin"];
  readonly secret: string;
  readonly requests: number;
  readonly concurrency: number;
}

/**
 * Profiles one block of the operation per contestant, one after the
 * other, with the CPU profiler of this process.
 */
export async function profileBreakdowns(
  plan: BreakdownPlan,
): Promise<CpuBreakdown[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    // Ten samples per millisecond: a getSession takes about one.
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    const breakdowns: CpuBreakdown[] = [];
    for (const contestant of plan.contestants) {
      const measured = await profileOperation(
        { ...plan, session },
        contestant,
        plan.operation,
      );
      if (measured !== null) {
        breakdowns.push(breakDownProfile(contestant.name, measured));
      }
    }
    return breakdowns;
  } finally {
    session.disconnect();
  }
}
