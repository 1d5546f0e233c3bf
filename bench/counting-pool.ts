import pg from "pg";

/** A `pg.Pool` whose clients count the statements they send. */
export interface CountingPool {
  readonly pool: pg.Pool;
  /** Statements sent so far, `BEGIN` and `COMMIT` included. */
  statements(): number;
  /** Starts keeping the SQL text of each statement (never the values). */
  record(): void;
  /** Returns the kept SQL texts and stops keeping them. */
  takeRecorded(): string[];
}

/**
 * Opens a pool whose every client counts its `query` calls. `pool.query`
 * goes through a client's `query` too, so each statement counts once however
 * the contestant sends it (Kysely checks out clients; our runtime and the raw
 * contestant mostly use `pool.query`).
 */
export function createCountingPool(url: string, max: number): CountingPool {
  let sent = 0;
  let recorded: string[] | null = null;

  class CountingClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      const send = this.query.bind(this) as (...args: unknown[]) => unknown;
      this.query = ((...args: unknown[]) => {
        sent += 1;
        recorded?.push(statementText(args[0]));
        return send(...args);
      }) as pg.Client["query"];
    }
  }

  const pool = new pg.Pool({
    connectionString: url,
    max,
    Client: CountingClient,
  });
  return {
    pool,
    statements: () => sent,
    record: () => {
      recorded = [];
    },
    takeRecorded: () => {
      const texts = recorded ?? [];
      recorded = null;
      return texts;
    },
  };
}

function statementText(query: unknown): string {
  const text =
    typeof query === "string" ? query : (query as { text?: unknown })?.text;
  return String(text).replace(/\s+/g, " ").trim();
}
