/**
 * The typed queries planned for each model, before any SQL text exists.
 * `planQueries` builds these; `renderQuery` turns one into SQL for pgtyped
 * (named `:params`) or for the adapter's static path (`$1..$n`).
 *
 * Identifiers are stored already quoted, exactly as the schema manifest
 * spells them, so every rendering uses the same qualified names.
 */

export type QueryKind =
  | "insert"
  | "findById"
  | "findByUnique"
  | "listByForeignKey"
  | "updateById"
  | "deleteById"
  | "count"
  | "findSessionWithUser";

export interface QueryParam {
  /** The parameter's name in pgtyped SQL and in the generated TS types. */
  readonly name: string;
  /** The field key the parameter binds, or null for the row limit. */
  readonly field: string | null;
  /** The Postgres type of the explicit cast written after the parameter. */
  readonly pgType: string;
  /** Required parameters are non-null (`:name!`); others accept null. */
  readonly required: boolean;
}

/**
 * A filter on one column. `equals` always applies. `optionalEquals` applies
 * only when its parameter is not null; its casts are explicit so that
 * pgtyped's type inference does not depend on which use comes first.
 */
export interface Condition {
  readonly kind: "equals" | "optionalEquals";
  /** The quoted column, prefixed with the table alias in joins. */
  readonly column: string;
  readonly param: string;
}

export interface SelectColumn {
  /** The SQL expression, e.g. `"email"` or `count(*)::int`. */
  readonly sql: string;
  /** The output name when it differs from the column, unquoted. */
  readonly alias: string | null;
  /** A computed value that is never null though pgtyped types it nullable. */
  readonly forceNonNull: boolean;
}

/** The joined row of a one-to-one join (a session's user). */
export interface JoinPlan {
  /** The joined model key; also the name of the embedded row. */
  readonly model: string;
  /** The joined table's qualified name. */
  readonly table: string;
  /** The quoted alias of the joined table. */
  readonly alias: string;
  /** The join condition. */
  readonly on: string;
  /** The joined columns, quoted and prefixed with the alias. */
  readonly columns: readonly JoinedColumn[];
}

export interface JoinedColumn {
  readonly sql: string;
  /** The output name in flat renderings, e.g. `user.email`, unquoted. */
  readonly alias: string;
}

export interface InsertValue {
  readonly column: string;
  readonly param: string;
  /** A default used when the parameter is null (database-made ids). */
  readonly fallbackSql: string | null;
}

export interface Assignment {
  readonly column: string;
  readonly param: string;
}

export type QueryStatement =
  | {
      readonly kind: "insert";
      readonly table: string;
      readonly values: readonly InsertValue[];
    }
  | {
      readonly kind: "select";
      /** The qualified table, followed by ` AS alias` in joins. */
      readonly from: string;
      readonly columns: readonly SelectColumn[];
      readonly join: JoinPlan | null;
      readonly where: readonly Condition[];
      readonly orderBy: readonly string[];
      readonly limitParam: string | null;
    }
  | {
      readonly kind: "update";
      readonly table: string;
      readonly assignments: readonly Assignment[];
      readonly where: readonly Condition[];
    }
  | {
      readonly kind: "delete";
      readonly table: string;
      readonly where: readonly Condition[];
    };

export interface QueryPlan {
  /** The query's name, already in the form pgtyped exports it. */
  readonly name: string;
  readonly model: string;
  readonly kind: QueryKind;
  /** The SQL file under the sql folder, e.g. `team-member.sql`. */
  readonly file: string;
  /** Field keys compared by `equals` conditions, in parameter order. */
  readonly whereFields: readonly string[];
  readonly params: readonly QueryParam[];
  readonly statement: QueryStatement;
}
