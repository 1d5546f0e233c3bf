import type { BenchConfig } from "./bench-config.js";
import { CPU_PARTS, type CpuBreakdown } from "./cpu-breakdown.js";
import type { OperationName } from "./contestant.js";
import type { GenerateTiming } from "./time-generate.js";
import {
  type Measurements,
  median,
  pairedRatio,
  relativeSpread,
} from "./measurements.js";
import type { BenchOperation } from "./operations.js";

/** The CPU profile of one operation, per contestant that runs Better Auth. */
export interface CpuReport {
  readonly operation: string;
  readonly concurrency: number;
  readonly breakdowns: readonly CpuBreakdown[];
}

/** Everything the report shows besides the measurements. */
export interface ReportContext {
  readonly config: BenchConfig;
  readonly date: Date;
  readonly machine: string;
  readonly nodeVersion: string;
  readonly postgresVersion: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly cores: number;
  /** The floor's column name; ratios are taken against it. */
  readonly floor: string;
  readonly contestants: readonly string[];
  /** Contestants that could not run, with why. */
  readonly missing: readonly { name: string; reason: string }[];
  readonly operations: readonly BenchOperation[];
  readonly notes: readonly string[];
  /** Null when the run skipped the profile (`BENCH_PROFILE=0`). */
  readonly cpu: CpuReport | null;
  readonly generate: GenerateTiming | null;
  readonly totalSeconds: number;
}

/** Renders the results as the markdown written to `bench/results.md`. */
export function renderReport(
  measurements: Measurements,
  context: ReportContext,
): string {
  return [
    ...renderHeader(context),
    ...renderThroughput(measurements, context),
    ...renderStatements(measurements, context),
    ...renderCpu(context.cpu),
    ...renderGenerate(context.generate),
    ...renderNotes(context),
  ].join("\n");
}

function renderHeader(context: ReportContext): string[] {
  const { config } = context;
  const busy =
    context.loadBefore[0]! > context.cores / 2 ||
    context.loadAfter[0]! > context.cores * 1.5;
  const mode = config.quick ? "quick smoke run (`BENCH_QUICK=1`)" : "full run";
  return [
    "# Benchmark: raw pg, Better Auth's Kysely adapter, pg-auth-codegen",
    "",
    `Written by \`npm run bench\` (${mode}). ${
      busy
        ? "**The machine was busy during this run** (see the load averages): compare ratios within a row, and treat absolute ops/s as rough."
        : "The machine was quiet at the start of this run."
    }`,
    "",
    "| | |",
    "| --- | --- |",
    `| date | ${context.date.toISOString()} |`,
    `| machine | ${context.machine} |`,
    `| Node | ${context.nodeVersion} |`,
    `| PostgreSQL | ${context.postgresVersion} (same machine, over TCP on 127.0.0.1) |`,
    `| data | ${config.users.toLocaleString("en-US")} users, ${(config.users * config.sessionsPerUser).toLocaleString("en-US")} sessions |`,
    `| rounds | ${config.rounds} counted after 1 calibration round; each turn about ${config.blockMs} ms, in ${config.slices} alternating blocks |`,
    `| pool | \`pg.Pool\` with max ${config.poolSize} per contestant |`,
    `| load average (1, 5, 15 min) | before ${formatLoad(context.loadBefore)}; after ${formatLoad(context.loadAfter)} on ${context.cores} cores |`,
    `| total time | ${context.totalSeconds.toFixed(0)} s |`,
    "",
  ];
}

function renderThroughput(
  measurements: Measurements,
  context: ReportContext,
): string[] {
  const names = [...context.contestants, ...context.missing.map((m) => m.name)];
  const rows = context.operations.flatMap((operation) =>
    context.config.concurrency.map((concurrency) => {
      const floorRates =
        measurements.find(operation.name, concurrency, context.floor)?.rates ??
        [];
      const cells = names.map((name) => {
        const rates = measurements.find(
          operation.name,
          concurrency,
          name,
        )?.rates;
        if (rates === undefined || rates.length === 0) return "n/a";
        const spread = `±${(relativeSpread(rates) * 100).toFixed(0)}%`;
        const value = `${formatRate(median(rates))} ${spread}`;
        if (name === context.floor || floorRates.length === 0) return value;
        return `${value} (**${pairedRatio(rates, floorRates).toFixed(2)}×**)`;
      });
      return `| ${operation.label} | ${concurrency} | ${cells.join(" | ")} |`;
    }),
  );

  return [
    "## Throughput",
    "",
    "Median requests per second over the counted rounds, ± half the range between the slowest and fastest round, and (in bold) the ratio to raw pg: the median of the round-by-round ratios. Higher is better.",
    "",
    `| operation | in flight | ${names.join(" | ")} |`,
    `| --- | ---: | ${names.map(() => "---:").join(" | ")} |`,
    ...rows,
    "",
  ];
}

function renderStatements(
  measurements: Measurements,
  context: ReportContext,
): string[] {
  const names = [...context.contestants, ...context.missing.map((m) => m.name)];
  const rows = context.operations.map((operation) => {
    const cells = names.map((name) =>
      formatStatements(measurements, operation.name, context, name),
    );
    return `| ${operation.label} | ${cells.join(" | ")} |`;
  });

  return [
    "## Statements per request",
    "",
    "Statements each contestant's pool sent per request (`BEGIN` and `COMMIT` count), over every counted block at every level.",
    "",
    `| operation | ${names.join(" | ")} |`,
    `| --- | ${names.map(() => "---:").join(" | ")} |`,
    ...rows,
    "",
  ];
}

function renderCpu(cpu: CpuReport | null): string[] {
  if (cpu === null || cpu.breakdowns.length === 0) return [];
  const names = cpu.breakdowns.map((breakdown) => breakdown.contestant);
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  const rows = CPU_PARTS.map(
    (part) =>
      `| ${part} | ${cpu.breakdowns.map((b) => percent(b.shares[part])).join(" | ")} |`,
  );
  const cpuRow = `| process CPU per request | ${cpu.breakdowns
    .map((b) => `${Math.round(b.cpuMicros).toLocaleString("en-US")} µs`)
    .join(" | ")} |`;

  return [
    `## Where ${cpu.operation} spends its CPU`,
    "",
    `A CPU profile of ${cpu.breakdowns[0]!.requests.toLocaleString("en-US")} requests per contestant at ${cpu.concurrency} in flight, taken after the rounds. Each sample is charged to the innermost frame of a known package, so Node's internals (crypto, promises, sockets) count for whoever called them; shares are of the time the process was busy. "pg driver" includes the socket writes, which on this machine carry the kernel's loopback work.`,
    "",
    `| part | ${names.join(" | ")} |`,
    `| --- | ${names.map(() => "---:").join(" | ")} |`,
    ...rows,
    cpuRow,
    "",
    ...cpu.breakdowns.map((b) => bound(b, cpu.operation)),
    "",
  ];
}

/**
 * What the adapter's share allows: with an adapter that cost nothing the
 * operation could be at most 1 / (1 - share) times faster, and only when
 * the process's CPU is what limits it.
 */
function bound(breakdown: CpuBreakdown, operation: string): string {
  const adapter =
    breakdown.shares.adapter +
    breakdown.shares["Better Auth's adapter factory"];
  const betterAuth = breakdown.shares["Better Auth"];
  return `- ${breakdown.contestant}: the adapter (with any factory around it) takes ${(adapter * 100).toFixed(0)}% of ${operation}'s CPU and Better Auth ${(betterAuth * 100).toFixed(0)}%; an adapter that cost nothing would make it at most ${(1 / (1 - adapter)).toFixed(2)}× as fast.`;
}

function renderGenerate(timing: GenerateTiming | null): string[] {
  const lines = ["## Code generation", ""];
  if (timing === null) {
    return [
      ...lines,
      "Not timed in this run (quick mode skips it unless `BENCH_GENERATE=1`; `BENCH_GENERATE=0` skips it in a full run).",
      "",
    ];
  }
  if (timing.unavailable !== null) {
    return [...lines, timing.unavailable, ""];
  }

  return [
    ...lines,
    timing.description,
    "",
    "| command | wall time | exit code |",
    "| --- | ---: | ---: |",
    ...timing.runs.map(
      (run) =>
        `| \`${run.command}\` | ${(run.milliseconds / 1000).toFixed(2)} s | ${run.exitCode} |`,
    ),
    "",
  ];
}

function renderNotes(context: ReportContext): string[] {
  const missing = context.missing.map(
    (entry) => `${entry.name}: not measured. ${entry.reason}`,
  );
  return [
    "## Notes",
    "",
    ...[...missing, ...context.notes].map((note) => `- ${note}`),
    "",
  ];
}

function formatStatements(
  measurements: Measurements,
  operation: OperationName,
  context: ReportContext,
  name: string,
): string {
  let ops = 0;
  let statements = 0;
  for (const concurrency of context.config.concurrency) {
    const cell = measurements.find(operation, concurrency, name);
    ops += cell?.ops ?? 0;
    statements += cell?.statements ?? 0;
  }
  if (ops === 0) return "n/a";
  const perRequest = statements / ops;
  return Number.isInteger(perRequest)
    ? String(perRequest)
    : perRequest.toFixed(2);
}

function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}

function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(", ");
}
