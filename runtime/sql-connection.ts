import { AsyncLocalStorage } from "node:async_hooks";

import { translateDatabaseError } from "./database-error.js";
import {
  checkPreparedStatementsSetting,
  isDirectConnection,
  isStalePlan,
  PreparedStatementNames,
  type PreparedStatementsSetting,
} from "./prepared-statements.js";

/** What a query returns, trimmed to what the runtime reads. */
export interface SqlResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** Anything a statement can run on: the connection or a transaction. */
export interface SqlExecutor {
  /**
   * Runs one statement with its parameters. `name` labels debug logs and
   * errors. `preparedScope` (see `preparedScope()`) marks a statement the
   * caller sends again and again with other values (the adapter's and the
   * rate limiter's): the connection may then run it as a named prepared
   * statement (see `SqlConnectionOptions.preparedStatements`).
   *
   * @throws {DatabaseError} translated from the driver's error.
   */
  query<Row = Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
    name?: string,
    preparedScope?: string,
  ): Promise<SqlResult<Row>>;
}

/** A statement as `pg` takes it, named when it is to be prepared. */
export interface PgQueryConfig {
  readonly text: string;
  readonly values: unknown[];
  readonly name?: string;
}

type PgQueryResult = Promise<{ rows: unknown[]; rowCount: number | null }>;

/** The parts of `pg.Client` and `pg.PoolClient` the runtime uses. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): PgQueryResult;
  query(config: PgQueryConfig): PgQueryResult;
  /** The backend process id the server gave at login (`pg.Client`). */
  readonly processID?: number | null;
}

/** A client checked out of a pool. */
export interface PgPooledClientLike extends PgClientLike {
  release(error?: Error | boolean): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** The parts of `pg.Pool` the runtime uses. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgPooledClientLike>;
  readonly totalCount: number;
}

/** A `pg.Pool` or a single connected `pg.Client`. */
export type PgDatabase = PgPoolLike | PgClientLike;

/** Receives the SQL (never the values) of each statement when debugging. */
export type SqlLogger = (event: { name: string; sql: string }) => void;

export interface SqlConnectionOptions {
  readonly logger?: SqlLogger | undefined;
  /**
   * Whether reusable statements run as named prepared statements, which
   * PostgreSQL parses and plans once per server connection instead of on
   * every call. `"auto"` (the default) names them only on a direct
   * connection: behind a pooler (PgBouncer before 1.21 in transaction mode
   * loses them between transactions) they stay unnamed. `true` names them
   * always (a direct connection, or PgBouncer 1.21+ with
   * `max_prepared_statements` set); `false` never.
   */
  readonly preparedStatements?: PreparedStatementsSetting | undefined;
}

interface ActiveTransaction {
  readonly connection: SqlConnection;
  readonly client: PgClientLike;
}

const activeTransaction = new AsyncLocalStorage<ActiveTransaction>();

/**
 * The connection layer under the adapter, migrations and rate limiter.
 *
 * On a `pg.Pool`, plain statements go to the pool and each exclusive section
 * (transaction, DDL, rate-limit consume) checks out a client of its own. On a
 * single `pg.Client`, exclusive sections take a gate: they run one at a time,
 * and plain statements wait while one is open, so no caller's statement ever
 * lands inside another caller's transaction. Outside a section, plain
 * statements queue on the client in the order they were made.
 *
 * Inside a transaction, every statement of this connection (including one
 * made through the outer adapter, and a nested `transaction`) runs on the
 * transaction's client. That is what keeps a `Pool({ max: 1 })` from waiting
 * forever for a second connection.
 *
 * Statements sent with a `preparedScope` run as named prepared statements
 * when `preparedStatements` allows it; one that PostgreSQL refuses because
 * a column changed type under its cached plan renames them all and, outside
 * a transaction, runs again once.
 */
export class SqlConnection implements SqlExecutor {
  readonly #database: PgDatabase;
  readonly #isPool: boolean;
  readonly #logger: SqlLogger | null;
  /** Resolves when the single client's gate is free; unused on a pool. */
  #gate: Promise<void> = Promise.resolve();
  #gateHeld = false;
  /** The single client's last statement: the next one starts after it. */
  #clientTail: Promise<unknown> = Promise.resolve();
  #preparedSetting: PreparedStatementsSetting;
  /** Whether `#preparedSetting` came from the caller rather than the default. */
  #preparedChosen: boolean;
  /** Named statements on or off; undefined until "auto" has probed. */
  #named: boolean | undefined;
  #probe: Promise<void> | null = null;
  readonly #names = new PreparedStatementNames();

  constructor(database: PgDatabase, options: SqlConnectionOptions = {}) {
    this.#database = database;
    this.#isPool =
      typeof (database as PgPoolLike).totalCount === "number" &&
      typeof (database as PgPoolLike).connect === "function";
    this.#logger = options.logger ?? null;
    this.#preparedChosen = options.preparedStatements !== undefined;
    this.#preparedSetting = options.preparedStatements ?? "auto";
    checkPreparedStatementsSetting(this.#preparedSetting);
    this.#named = settledNaming(this.#preparedSetting);
  }

  /**
   * Applies a caller's `preparedStatements` choice to a connection that
   * other parts (the adapter, the rate-limit store) share.
   *
   * @throws {TypeError} when an earlier caller chose differently.
   */
  choosePreparedStatements(setting: PreparedStatementsSetting): void {
    checkPreparedStatementsSetting(setting);
    if (this.#preparedChosen && setting !== this.#preparedSetting) {
      throw new TypeError(
        `preparedStatements is ${String(setting)} here but ${String(this.#preparedSetting)} for another adapter or store on the same pool or client; give them the same setting.`,
      );
    }
    this.#preparedChosen = true;
    this.#preparedSetting = setting;
    this.#named = settledNaming(setting);
    this.#probe = null;
  }

  /** True when the statement runs inside a transaction of this connection. */
  get inTransaction(): boolean {
    return activeTransaction.getStore()?.connection === this;
  }

  /**
   * True on a `pg.Pool`, false on a single client. A one-statement section
   * needs `exclusive` only on a single client (to keep out of the gate's
   * holder and off the client's queue); on a pool, `query` does the same
   * work without checking out a client of its own.
   */
  get isPool(): boolean {
    return this.#isPool;
  }

  // Not async: an async function returning #run's promise would add a
  // promise and two microtask turns to every statement.
  query<Row = Record<string, unknown>>(
    text: string,
    values: readonly unknown[] = [],
    name = "query",
    scope?: string,
  ): Promise<SqlResult<Row>> {
    const active = activeTransaction.getStore();
    if (active?.connection === this) {
      return this.#run(active.client, text, values, name, scope);
    }

    if (!this.#isPool && this.#gateHeld) {
      return this.#queryAfterGate(text, values, name, scope);
    }
    return this.#run(this.#database, text, values, name, scope);
  }

  async #queryAfterGate<Row>(
    text: string,
    values: readonly unknown[],
    name: string,
    scope: string | undefined,
  ): Promise<SqlResult<Row>> {
    while (this.#gateHeld) await this.#gate;
    return this.#run(this.#database, text, values, name, scope);
  }

  /**
   * Runs `work` with a client nobody else uses meanwhile: a pooled client of
   * its own, or the single client behind the gate. Inside a transaction it
   * reuses the transaction's client.
   *
   * @throws whatever `work` throws.
   */
  async exclusive<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#withOwnClient((client) => work(this.#executorFor(client)));
  }

  /**
   * Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when
   * it throws (and the error is rethrown). A call made while a transaction of
   * this connection is already open joins it rather than opening another, so
   * a failure anywhere rolls back all of it.
   *
   * @throws whatever `work` throws, or a `DatabaseError` from BEGIN/COMMIT.
   */
  async transaction<T>(
    work: (executor: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    return this.#withOwnClient(async (client, joined) => {
      const executor = this.#executorFor(client);
      if (joined) return work(executor);

      return activeTransaction.run({ connection: this, client }, async () => {
        await this.#run(client, "BEGIN", [], "begin", undefined);
        let result: T;
        try {
          result = await work(executor);
        } catch (error) {
          await this.#run(client, "ROLLBACK", [], "rollback", undefined).catch(
            () => {},
          );
          throw error;
        }
        await this.#run(client, "COMMIT", [], "commit", undefined);
        return result;
      });
    });
  }

  /**
   * Lends `work` a client nobody else uses meanwhile: the open transaction's
   * (`joined` is then true), a pooled client of its own, or the single
   * client behind the gate.
   */
  async #withOwnClient<T>(
    work: (client: PgClientLike, joined: boolean) => Promise<T>,
  ): Promise<T> {
    const active = activeTransaction.getStore();
    if (active?.connection === this) return work(active.client, true);

    if (this.#isPool) {
      const client = await this.#connectPooled();
      // pg-pool listens for a client's errors only while it is idle. A
      // server that ends the connection mid-transaction (a restart, a
      // failover, idle_in_transaction_session_timeout) would otherwise raise
      // an unhandled 'error' event and crash the process; the statement in
      // flight rejects on its own, so the listener only has to remember
      // that the client must not go back to the pool.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        return await work(client, false);
      } catch (error) {
        if (isConnectionFailure(error)) broken ??= error as Error;
        throw error;
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    }

    const release = await this.#takeGate();
    try {
      return await work(this.#database, false);
    } finally {
      release();
    }
  }

  async #connectPooled() {
    try {
      return await (this.#database as PgPoolLike).connect();
    } catch (error) {
      throw translateDatabaseError(error, "connect");
    }
  }

  #executorFor(client: PgClientLike): SqlExecutor {
    return {
      query: <Row>(
        text: string,
        values: readonly unknown[] = [],
        name = "query",
        scope?: string,
      ) => this.#run<Row>(client, text, values, name, scope),
    };
  }

  async #run<Row>(
    client: PgClientLike,
    text: string,
    values: readonly unknown[],
    name: string,
    scope: string | undefined,
    retried = false,
  ): Promise<SqlResult<Row>> {
    this.#logger?.({ name, sql: text });
    if (scope !== undefined && this.#named === undefined) {
      await this.#probeOn(client);
    }
    const prepared =
      scope !== undefined && this.#named === true
        ? this.#names.nameFor(scope, text)
        : undefined;
    try {
      const result = await this.#send(
        client,
        text,
        values as unknown[],
        prepared,
      );
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (prepared === undefined || !isStalePlan(error)) {
        throw translateDatabaseError(error, name);
      }
      // PostgreSQL refused the statement before running it. Outside a
      // transaction it runs again at once under its new name; inside one,
      // the transaction is already aborted and the caller sees the error.
      this.#names.renewAll();
      if (retried || this.inTransaction) {
        throw translateDatabaseError(error, name);
      }
      return this.#run(client, text, values, name, scope, true);
    }
  }

  /**
   * Sends one statement, named `prepared` when given. On the single client
   * statements are queued here, one after another: node-postgres' own
   * queue for a client already busy with a query is deprecated and goes
   * away in pg 9.
   */
  #send(
    client: PgClientLike,
    text: string,
    values: unknown[],
    prepared?: string,
  ): PgQueryResult {
    if (this.#isPool || client !== this.#database) {
      return sendTo(client, text, values, prepared);
    }

    const sent = this.#clientTail.then(() =>
      sendTo(client, text, values, prepared),
    );
    this.#clientTail = sent.catch(() => {});
    return sent;
  }

  /**
   * Settles `"auto"` on the client the first reusable statement goes to:
   * a client of the pool's own, or the transaction's or single client
   * (through the queue). A probe that fails leaves the question open for
   * the next statement, which runs unnamed meanwhile.
   */
  #probeOn(client: PgClientLike): Promise<void> {
    this.#probe ??= this.#probeClient(client).then(
      (direct) => {
        this.#named = direct;
      },
      () => {
        this.#probe = null;
      },
    );
    return this.#probe;
  }

  async #probeClient(client: PgClientLike): Promise<boolean> {
    if (client === this.#database && this.#isPool) {
      const pooled = await (this.#database as PgPoolLike).connect();
      try {
        return await isDirectConnection(pooled);
      } finally {
        pooled.release();
      }
    }
    return isDirectConnection({
      processID: client.processID,
      query: (text) => this.#send(client, text, []),
    });
  }

  async #takeGate(): Promise<() => void> {
    while (this.#gateHeld) await this.#gate;
    this.#gateHeld = true;
    let open!: () => void;
    this.#gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      this.#gateHeld = false;
      open();
    };
  }
}

/**
 * node-postgres copies a query given as an object property by property
 * (about 2 µs); text and values it takes as they are. Only a named
 * statement needs the object.
 */
function sendTo(
  client: PgClientLike,
  text: string,
  values: unknown[],
  prepared: string | undefined,
): PgQueryResult {
  return prepared === undefined
    ? client.query(text, values)
    : client.query({ text, values, name: prepared });
}

function isConnectionFailure(error: unknown): boolean {
  return (error as { name?: unknown })?.name === "ConnectionError";
}

const connections = new WeakMap<object, SqlConnection>();

/**
 * One SqlConnection per pool or client, shared by every adapter, rate-limit
 * store and migration run built on it: a single client's gate only
 * protects callers that share it, and a transaction is recognised by its
 * connection, so an adapter rebuilt inside a transaction (Better Auth does
 * so per options object) still joins it. A `preparedStatements` choice
 * applies to the shared connection.
 *
 * @throws {TypeError} when `preparedStatements` differs from a choice made
 * earlier for the same pool or client.
 */
export function connectionFor(
  database: PgDatabase | SqlConnection,
  preparedStatements?: PreparedStatementsSetting,
): SqlConnection {
  let connection =
    database instanceof SqlConnection ? database : connections.get(database);
  if (connection === undefined) {
    connection = new SqlConnection(database as PgDatabase);
    connections.set(database, connection);
  }
  if (preparedStatements !== undefined) {
    connection.choosePreparedStatements(preparedStatements);
  }
  return connection;
}

function settledNaming(
  setting: PreparedStatementsSetting,
): boolean | undefined {
  return setting === "auto" ? undefined : setting;
}
