import pg from "pg";

/** Every statement a `CountingPool` sent, in order, since the last `take`. */
export interface StatementLog {
  /** Returns the statements recorded so far and starts a new record. */
  take(): string[];
  /**
   * The names of the prepared statements sent since the pool was made.
   * Named statements live on one server session, so behind PgBouncer in
   * transaction mode a later Bind may reach a session that lacks them.
   */
  named(): string[];
}

export interface CountingPool {
  readonly pool: pg.Pool;
  readonly statements: StatementLog;
}

/**
 * A pg.Pool that records the text of every statement its clients send,
 * BEGIN and COMMIT included: each `query` call on a client counts once,
 * whether it came through `pool.query` or a checked-out client.
 */
export function createCountingPool(config: pg.PoolConfig): CountingPool {
  let recorded: string[] = [];
  const named: string[] = [];
  const pool = new pg.Pool(config);

  // The pool emits "connect" once per new client, before lending it out, so
  // wrapping there catches every statement including pool.query's.
  pool.on("connect", (client) => {
    const send = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      recorded.push(statementText(args[0]));
      const name = (args[0] as { name?: unknown } | null)?.name;
      if (typeof name === "string") named.push(name);
      return send(...args);
    };
  });

  return {
    pool,
    statements: {
      take() {
        const taken = recorded;
        recorded = [];
        return taken;
      },
      named: () => [...named],
    },
  };
}

function statementText(query: unknown): string {
  if (typeof query === "string") return query;
  const text = (query as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : String(query);
}
