/**
 * A query planned at generate time for one fixed call shape. The adapter
 * runs its SQL directly when a Better Auth call matches the shape exactly
 * (same model, operation, equality fields, joins), skipping the where
 * compiler; any other call goes through the compiler. Both paths must return
 * identical results.
 */
export interface StaticQuery {
  /** The query's name in `sql/<model>.sql`, e.g. `findUserByEmail`. */
  readonly name: string;
  /** The manifest model key the query reads. */
  readonly model: string;
  readonly operation: "findOne" | "findMany" | "count";
  /**
   * Field keys compared with case-sensitive `eq` and joined with AND, in
   * parameter order: `$1` is the first field's value.
   */
  readonly whereFields: readonly string[];
  /** Joined model keys, for reads that embed a related row (session+user). */
  readonly joins: readonly string[];
  /** The SQL text with `$1..$n` placeholders. */
  readonly sql: string;
}
