import type { CleanedWhere } from "@better-auth/core/db/adapter";

import type { AdapterContext } from "./adapter-context.js";
import type { CompiledStatement } from "./compile-select.js";
import {
  checkIncrement,
  compileCount,
  type ColumnValues,
} from "./compile-mutation.js";
import type { CatalogTable } from "./schema-catalog.js";
import { SqlParameters } from "./sql-parameters.js";
import {
  bindValues,
  columnsShape,
  whereShape,
  type CallValues,
} from "./statement-cache.js";
import { planWhere, type WhereNode } from "./where-plan.js";

// How the adapter engine gets the statement for a call: from the
// statement cache when an earlier call had the same shape, otherwise
// compiled (and remembered when its shape allows).

/** A statement to send: compiled now, or cached and bound. */
export interface Statement {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

/** The cached statement for this call shape, bound to the call's values. */
export function cachedStatement(
  context: AdapterContext,
  key: string | null,
  call: CallValues,
): Statement | undefined {
  if (key === null) return undefined;
  const cached = context.statements.get(key);
  if (cached === undefined) return undefined;
  return {
    name: cached.name,
    text: cached.text,
    values: bindValues(cached.sources, call),
  };
}

/**
 * Compiles a statement and keeps it for later calls of the same shape.
 *
 * @throws whatever `compile` throws (an `InvalidQueryError`).
 */
export function compileAndKeep(
  context: AdapterContext,
  key: string | null,
  name: string,
  compile: (parameters: SqlParameters) => CompiledStatement,
): Statement {
  const parameters = new SqlParameters();
  const compiled = compile(parameters);
  if (key !== null) {
    context.statements.remember(key, name, compiled, parameters.sources, null);
  }
  return { name, text: compiled.text, values: compiled.values };
}

/**
 * Like `compileAndKeep` after planning `where`; null when it cannot match.
 *
 * @throws {InvalidQueryError} for an unknown column or operator, or what
 * `compile` throws.
 */
export function compileWhere(
  context: AdapterContext,
  key: string | null,
  name: string,
  table: CatalogTable,
  where: readonly CleanedWhere[] | undefined,
  compile: (plan: WhereNode, parameters: SqlParameters) => CompiledStatement,
): Statement | null {
  const plan = planWhere(table, where);
  if (isNever(plan)) return null;
  return compileAndKeep(context, key, name, (parameters) =>
    compile(plan, parameters),
  );
}

/**
 * A count through a generated static query when one fits, compiled
 * otherwise; null when `where` cannot match.
 *
 * @throws {InvalidQueryError} for an unknown column or operator.
 */
export function prepareCount(
  context: AdapterContext,
  key: string | null,
  table: CatalogTable,
  where: readonly CleanedWhere[] | undefined,
): Statement | null {
  const plan = planWhere(table, where);
  if (isNever(plan)) return null;

  const match = context.staticQueries?.match({
    operation: "count",
    table,
    where,
  });
  if (match === null || match === undefined) {
    return compileAndKeep(
      context,
      key,
      `count ${table.manifest.modelName}`,
      (parameters) => compileCount(table, plan, parameters),
    );
  }
  const { query } = match;
  if (key !== null) {
    context.statements.remember(
      key,
      query.name,
      { text: query.sql },
      match.sources,
      null,
    );
  }
  return { name: query.name, text: query.sql, values: match.values };
}

/**
 * The cache key of a statement over `where` (and the columns it writes),
 * or null when its SQL depends on the values.
 *
 * @throws {InvalidQueryError} for a column the table does not have.
 */
export function mutationKey(
  operation: string,
  table: CatalogTable,
  where: readonly CleanedWhere[] | undefined,
  data?: ColumnValues,
): string | null {
  const shape = whereShape(table, where);
  if (shape === null) return null;
  return `${operation}\u0000${table.manifest.model}\u0000${shape}\u0001${columnsShape(table, data)}`;
}

/**
 * `incrementOne`'s key; each increment is checked (numeric column, finite
 * delta) on every call, cached or not.
 *
 * @throws {InvalidQueryError} for an unknown column, a non-numeric one to
 * increment, or a delta that is not a finite number.
 */
export function incrementKey(
  table: CatalogTable,
  where: readonly CleanedWhere[],
  increment: Readonly<Record<string, number>>,
  set: ColumnValues | undefined,
): string | null {
  const shape = whereShape(table, where);
  if (shape === null) return null;
  let key = `incrementOne\u0000${table.manifest.model}\u0000${shape}\u0001`;
  for (const name of Object.keys(increment)) {
    key += `${checkIncrement(table, name, increment[name]).column}\u0000`;
  }
  return `${key}\u0001${columnsShape(table, set)}`;
}

/** True for a where plan that matches no row: no statement is needed. */
export function isNever(plan: WhereNode): boolean {
  return plan.kind === "constant" && !plan.value;
}
