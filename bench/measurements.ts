import type { OperationName } from "./contestant.js";

/** Everything measured for one contestant on one operation at one level. */
export interface CellMeasurements {
  /** ops/s of each counted round, in round order. */
  readonly rates: number[];
  /** Requests and statements summed over the counted rounds. */
  ops: number;
  statements: number;
}

/** Cells keyed by operation, requests in flight and contestant. */
export class Measurements {
  readonly #cells = new Map<string, CellMeasurements>();

  cell(
    operation: OperationName,
    concurrency: number,
    contestant: string,
  ): CellMeasurements {
    const key = `${operation}|${concurrency}|${contestant}`;
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = { rates: [], ops: 0, statements: 0 };
      this.#cells.set(key, cell);
    }
    return cell;
  }

  find(
    operation: OperationName,
    concurrency: number,
    contestant: string,
  ): CellMeasurements | undefined {
    return this.#cells.get(`${operation}|${concurrency}|${contestant}`);
  }
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of round-by-round ratios. Pairing each round's rate with the
 * floor's rate from the same round cancels the machine's drift between
 * rounds, which a ratio of the two medians would keep.
 */
export function pairedRatio(
  rates: readonly number[],
  floorRates: readonly number[],
): number {
  const pairs = Math.min(rates.length, floorRates.length);
  const ratios = Array.from(
    { length: pairs },
    (_, round) => rates[round]! / floorRates[round]!,
  );
  return median(ratios);
}

/** Half the range between the fastest and slowest round, over the median. */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / 2 / median(values);
}
