import type pg from "pg";

import type { BenchConfig } from "./bench-config.js";
import type {
  Contestant,
  OperationName,
  OperationRunner,
} from "./contestant.js";
import type { BenchOperation } from "./operations.js";
import { seededRandom } from "./seeded-random.js";

/**
 * `BENCH_TRACE=1`: sends one request of every operation through every
 * contestant and returns the SQL each one sent, as markdown. It explains the
 * statement counts of the report; nothing is timed.
 */
export async function traceStatements(
  config: BenchConfig,
  contestants: readonly Contestant[],
  operations: readonly BenchOperation[],
  admin: pg.Pool,
  secret: string,
): Promise<string> {
  const lines = ["# Statements for one request", ""];

  for (const operation of operations) {
    lines.push(`## ${operation.label}`, "");
    for (const contestant of contestants) {
      const run = contestant.operations[operation.name] as
        OperationRunner<OperationName> | undefined;
      if (run === undefined) continue;

      const block = {
        admin,
        count: 1,
        blockId: `${contestant.namespace}-trace`,
        namespace: contestant.namespace,
        random: seededRandom(`trace|${operation.name}`),
        users: config.users,
        sessions: config.users * config.sessionsPerUser,
        secret,
      };
      const [input] = await operation.prepare(block);
      contestant.counting.record();
      await run(input!);
      const sent = contestant.counting.takeRecorded();
      await operation.finish?.(block);

      lines.push(`${contestant.name} (${sent.length}):`, "");
      lines.push(...sent.map((text) => `    ${text}`), "");
    }
  }

  return lines.join("\n");
}
