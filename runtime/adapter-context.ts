import type { SchemaCatalog } from "./schema-catalog.js";
import type { SqlExecutor, SqlResult } from "./sql-connection.js";
import type { StatementCache } from "./statement-cache.js";
import type { StaticQueryIndex } from "./static-query-index.js";

/**
 * The adapter operations that send SQL, as debug logs name them: the
 * methods of Better Auth's `CustomAdapter` the engine implements.
 */
export type AdapterMethod =
  | "create"
  | "findOne"
  | "findMany"
  | "count"
  | "update"
  | "updateMany"
  | "delete"
  | "deleteMany"
  | "consumeOne"
  | "incrementOne";

/** Receives each statement's method, name and SQL; never its values. */
export type QueryLog = (event: {
  method: AdapterMethod;
  name: string;
  sql: string;
}) => void;

/** What the adapter methods run on. */
export interface AdapterContext {
  readonly catalog: SchemaCatalog;
  /**
   * The connection. Inside `transaction` it routes every statement to the
   * transaction's client by itself (see `SqlConnection`), so the same
   * methods serve the transaction adapter.
   */
  readonly executor: SqlExecutor;
  readonly staticQueries: StaticQueryIndex | null;
  /** Statements compiled for earlier calls, by call shape. */
  readonly statements: StatementCache;
  readonly log: QueryLog | null;
  /** The schema's `preparedScope`: every statement here is reusable. */
  readonly preparedScope: string;
}

/**
 * Logs (when enabled) and runs one statement.
 *
 * @throws {DatabaseError} translated from the driver's error.
 */
export function runStatement(
  context: AdapterContext,
  method: AdapterMethod,
  name: string,
  statement: { readonly text: string; readonly values: unknown[] },
): Promise<SqlResult<Record<string, unknown>>> {
  context.log?.({ method, name, sql: statement.text });
  // Every adapter statement is parameterised, so its text repeats with
  // the call's shape: worth preparing where the connection allows it.
  return context.executor.query(
    statement.text,
    statement.values,
    name,
    context.preparedScope,
  );
}
