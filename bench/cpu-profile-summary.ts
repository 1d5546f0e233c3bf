/** A V8 CPU profile, as `Profiler.stop` and `--cpu-prof` write it. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Who a sample's time belongs to, matched on the frame's file. */
const OWNERS: readonly { readonly owner: string; readonly test: RegExp }[] = [
  // Stopping the profiler serialises the profile inside the last sample.
  { owner: "profiler", test: /^node:inspector/ },
  {
    owner: "Better Auth adapter factory",
    test: /@better-auth\/core\/dist\/db\/adapter\//,
  },
  {
    owner: "Better Auth instrumentation",
    test: /@better-auth\/core\/dist\/instrumentation\//,
  },
  {
    owner: "Kysely adapter",
    test: /\/(kysely|@better-auth\/kysely-adapter)\//,
  },
  {
    owner: "Better Auth",
    test: /\/(better-auth|@better-auth|better-call|jose|@noble|defu|rou3|zod)\//,
  },
  {
    owner: "pg driver",
    test: /\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z-]+)\//,
  },
  // This repository's files, wherever it is checked out.
  {
    owner: "pg-auth-codegen",
    test: /^file:\/\/(?!.*node_modules).*\/(runtime|generated)\//,
  },
  { owner: "bench harness", test: /^file:\/\/(?!.*node_modules).*\/bench\// },
];

/** CPU time by owner, and the hottest functions by self time. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly byOwner: readonly { owner: string; ms: number }[];
  readonly topSelf: readonly { name: string; owner: string; ms: number }[];
}

/**
 * Attributes every sample to the innermost frame whose file has an owner,
 * so time spent in Node's internals (crypto, streams, promises) counts for
 * the library that called them; samples with no owned frame on the stack
 * go to their own bucket ("GC", "idle", "node").
 */
export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }

  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    let owner = OWNERS.find((entry) => entry.test.test(frame.url))?.owner;
    if (owner === undefined) {
      const up = parent.get(id);
      owner =
        frame.functionName === "(garbage collector)"
          ? "GC"
          : frame.functionName === "(idle)"
            ? "idle"
            : frame.functionName === "(program)"
              ? "program"
              : up === undefined
                ? "node"
                : ownerOf(up);
      if (owner === "program" && frame.functionName !== "(program)") {
        owner = "node";
      }
    }
    ownerCache.set(id, owner);
    return owner;
  };

  const owners = new Map<string, number>();
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    total += ms;
    const owner = ownerOf(id);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    self.set(id, (self.get(id) ?? 0) + ms);
  });

  const functions = new Map<string, { owner: string; ms: number }>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url
      .replace(/^.*node_modules\//, "")
      .replace(/^file:\/\/.*\/(runtime|generated|bench)\//, "$1/");
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    const entry = functions.get(name) ?? { owner: ownerOf(id), ms: 0 };
    entry.ms += ms;
    functions.set(name, entry);
  }

  return {
    totalMs: total,
    byOwner: [...owners]
      .map(([owner, ms]) => ({ owner, ms }))
      .sort((a, b) => b.ms - a.ms),
    topSelf: [...functions]
      .map(([name, entry]) => ({ name, ...entry }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 30),
  };
}
