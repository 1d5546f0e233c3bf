import { performance } from "node:perf_hooks";

import type pg from "pg";

import type { BenchConfig } from "./bench-config.js";
import type {
  Contestant,
  OperationName,
  OperationRunner,
} from "./contestant.js";
import { Measurements } from "./measurements.js";
import type { BenchOperation, BlockContext } from "./operations.js";
import { seededRandom } from "./seeded-random.js";

/** What the rounds run over. */
export interface RoundsPlan {
  readonly config: BenchConfig;
  readonly contestants: readonly Contestant[];
  readonly operations: readonly BenchOperation[];
  /** An uncounted pool for the untimed setup and cleanup around blocks. */
  readonly admin: pg.Pool;
  readonly secret: string;
  readonly log: (line: string) => void;
}

/**
 * Runs one uncounted calibration round, then the counted rounds. Within a
 * round, the contestants take turns on each operation and level before the
 * next one starts, in an order that rotates every round: a burst of noise
 * from the rest of the machine lands on all of them alike, and none always
 * runs first on a warm cache. Each turn is cut into `slices` blocks taken
 * in alternation (A B C A B C ...), and a round's rate is each
 * contestant's requests over its blocks' time: a load spike from the rest
 * of the machine then lands on one short slice of each contestant instead
 * of on one contestant's whole turn.
 *
 * A block is a fixed number of requests, sized from the contestant's
 * previous block to last about `blockMs / slices`, so that its inputs (and
 * the rows a delete consumes) can be prepared before the clock starts.
 */
export async function runRounds(plan: RoundsPlan): Promise<Measurements> {
  const measurements = new Measurements();
  const blockSizes = new Map<string, number>();

  for (let round = 0; round <= plan.config.rounds; round += 1) {
    const started = performance.now();
    for (const [index, operation] of plan.operations.entries()) {
      for (const concurrency of plan.config.concurrency) {
        const order = rotate(plan.contestants, round + index);
        const totals = new Map<Contestant, BlockResult>();
        for (let slice = 0; slice < plan.config.slices; slice += 1) {
          for (const contestant of order) {
            const result = await runSlice(plan, blockSizes, {
              round,
              slice,
              operation,
              concurrency,
              contestant,
            });
            if (result !== null)
              totals.set(contestant, add(totals, contestant, result));
          }
        }
        if (round > 0) record(measurements, operation, concurrency, totals);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    plan.log(
      round === 0
        ? `calibration round done in ${seconds} s`
        : `round ${round}/${plan.config.rounds} done in ${seconds} s`,
    );
  }

  return measurements;
}

interface SlicePosition {
  readonly round: number;
  readonly slice: number;
  readonly operation: BenchOperation;
  readonly concurrency: number;
  readonly contestant: Contestant;
}

/** Requests, milliseconds and statements of one block or of a sum of them. */
interface BlockResult {
  readonly count: number;
  readonly elapsedMs: number;
  readonly statements: number;
}

/**
 * Runs one slice of a cell: a block sized from the contestant's previous
 * one, with its inputs prepared and its rows cleaned up off the clock.
 * Null when the contestant does not serve the operation.
 */
async function runSlice(
  plan: RoundsPlan,
  blockSizes: Map<string, number>,
  position: SlicePosition,
): Promise<BlockResult | null> {
  const { round, slice, operation, concurrency, contestant } = position;
  const run = contestant.operations[operation.name] as
    OperationRunner<OperationName> | undefined;
  if (run === undefined) return null;

  const sizeKey = `${operation.name}|${concurrency}|${contestant.name}`;
  const count = blockSizes.get(sizeKey) ?? Math.max(20, 10 * concurrency);
  const block: BlockContext = {
    admin: plan.admin,
    count,
    // Lowercase: emails built from it are stored lowercased.
    blockId: `${contestant.namespace}-${round}-${slice}-${operation.name.toLowerCase()}-${concurrency}`,
    namespace: contestant.namespace,
    random: seededRandom(`${round}|${slice}|${operation.name}|${concurrency}`),
    users: plan.config.users,
    sessions: plan.config.users * plan.config.sessionsPerUser,
    secret: plan.secret,
  };

  const inputs = await operation.prepare(block);
  const statementsBefore = contestant.counting.statements();
  const elapsedMs = await runBlock(run, inputs, concurrency, (result) => {
    if (!operation.check(result)) {
      throw new Error(
        `${contestant.name} returned an unexpected result for "${operation.label}".`,
      );
    }
  });
  const statements = contestant.counting.statements() - statementsBefore;
  await operation.finish?.(block);

  // Every block resizes the next one: the calibration round runs cold and
  // short, and would leave blocks far below their target if it alone
  // decided.
  const rate = (count / elapsedMs) * 1000;
  const sliceMs = plan.config.blockMs / plan.config.slices;
  blockSizes.set(sizeKey, blockSize(rate, sliceMs, concurrency));
  return { count, elapsedMs, statements };
}

function add(
  totals: ReadonlyMap<Contestant, BlockResult>,
  contestant: Contestant,
  result: BlockResult,
): BlockResult {
  const sum = totals.get(contestant);
  if (sum === undefined) return result;
  return {
    count: sum.count + result.count,
    elapsedMs: sum.elapsedMs + result.elapsedMs,
    statements: sum.statements + result.statements,
  };
}

/** One counted round of a cell: each contestant's rate over its slices. */
function record(
  measurements: Measurements,
  operation: BenchOperation,
  concurrency: number,
  totals: ReadonlyMap<Contestant, BlockResult>,
): void {
  for (const [contestant, total] of totals) {
    const cell = measurements.cell(
      operation.name,
      concurrency,
      contestant.name,
    );
    cell.rates.push((total.count / total.elapsedMs) * 1000);
    cell.ops += total.count;
    cell.statements += total.statements;
  }
}

/**
 * Sends `inputs` with `concurrency` requests in flight and returns the
 * elapsed milliseconds. Each worker takes the next input as soon as its
 * previous request settles, like independent clients would.
 */
async function runBlock<Input>(
  run: (input: Input) => Promise<unknown>,
  inputs: readonly Input[],
  concurrency: number,
  check: (result: unknown) => void,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next]!;
      next += 1;
      check(await run(input));
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

function blockSize(rate: number, blockMs: number, concurrency: number): number {
  const target = Math.round((rate * blockMs) / 1000);
  return Math.min(100_000, Math.max(4 * concurrency, target));
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
