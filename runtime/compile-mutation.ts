import type { CompiledStatement } from "./compile-select.js";
import { compileWhere } from "./compile-where.js";
import { encodeData, isComparable } from "./encode-value.js";
import { InvalidQueryError } from "./invalid-query-error.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type { CatalogTable } from "./schema-catalog.js";
import type { ColumnManifest } from "./schema-manifest.js";
import { SqlParameters } from "./sql-parameters.js";
import type { WhereNode } from "./where-plan.js";

/** Column name to value, as Better Auth's adapter factory hands data over. */
export type ColumnValues = Readonly<Record<string, unknown>>;

/**
 * `INSERT ... RETURNING` every column. Keys left undefined are omitted so
 * the column default applies (the uuid default, the identity of serial
 * ids); a row with no values at all uses DEFAULT VALUES.
 *
 * @throws {InvalidQueryError} for a key that is not a column of the table,
 * or a value the column cannot hold (`encodeData`).
 */
export function compileInsert(
  table: CatalogTable,
  data: ColumnValues,
  parameters = new SqlParameters(),
): CompiledStatement {
  const { model } = table.manifest;
  const columns: string[] = [];
  const values: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const column = table.column(name);
    columns.push(quoteIdentifier(column.column));
    values.push(
      parameters.add(encodeData(model, column, value), {
        from: "data",
        model,
        key: name,
        column,
      }),
    );
  }

  const target = table.manifest.qualifiedName;
  const insert =
    columns.length === 0
      ? `INSERT INTO ${target} DEFAULT VALUES`
      : `INSERT INTO ${target} (${columns.join(", ")}) VALUES (${values.join(", ")})`;
  return {
    text: `${insert} RETURNING ${table.selectList}`,
    values: parameters.values,
  };
}

/**
 * `UPDATE ... SET` the given columns. With `oneRow`, at most one matching
 * row changes (Better Auth's `update`); without, every match does
 * (`updateMany`, which returns only the count).
 *
 * @throws {InvalidQueryError} for an unknown column, a value the column
 * cannot hold (`encodeData`), or an empty update.
 */
export function compileUpdate(
  table: CatalogTable,
  where: WhereNode,
  data: ColumnValues,
  options: { oneRow: boolean },
  parameters = new SqlParameters(),
): CompiledStatement {
  const assignments = compileAssignments(table, data, parameters);
  if (assignments.length === 0) {
    throw new InvalidQueryError(
      `An update of model "${table.manifest.model}" sets no columns.`,
    );
  }

  const condition = compileTarget(table, where, parameters, {
    oneRow: options.oneRow,
    lock: "FOR NO KEY UPDATE",
  });
  const returning = options.oneRow ? ` RETURNING ${table.selectList}` : "";
  return {
    text: `UPDATE ${table.manifest.qualifiedName} SET ${assignments.join(", ")}${condition}${returning}`,
    values: parameters.values,
  };
}

/**
 * Applies `column = column + delta` for each increment and assigns each
 * `set` value, on at most one row that matches the guard, in one statement.
 * Postgres re-checks the guard on the row it locks, so a concurrent caller
 * that changed the row first makes this one see the new values: a
 * "remaining > 0" guard never lets the counter go below zero.
 *
 * @throws {InvalidQueryError} for an unknown column, a non-numeric
 * increment column, or nothing to change.
 */
export function compileIncrement(
  table: CatalogTable,
  where: WhereNode,
  increment: Readonly<Record<string, number>>,
  set: ColumnValues | undefined,
  parameters = new SqlParameters(),
): CompiledStatement {
  const assignments: string[] = [];
  for (const [name, delta] of Object.entries(increment)) {
    const column = checkIncrement(table, name, delta);
    const quoted = quoteIdentifier(column.column);
    const placeholder = parameters.add(delta, { from: "increment", key: name });
    assignments.push(`${quoted} = ${quoted} + ${placeholder}`);
  }
  assignments.push(...compileAssignments(table, set ?? {}, parameters));
  if (assignments.length === 0) {
    throw new InvalidQueryError(
      `An increment of model "${table.manifest.model}" changes no columns.`,
    );
  }

  const condition = compileTarget(table, where, parameters, {
    oneRow: true,
    lock: "FOR NO KEY UPDATE",
  });
  return {
    text: `UPDATE ${table.manifest.qualifiedName} SET ${assignments.join(", ")}${condition} RETURNING ${table.selectList}`,
    values: parameters.values,
  };
}

/**
 * The column an `incrementOne` key names, once it is known to be numeric
 * and its delta a number the column holds. Postgres gives the delta's
 * parameter the column's type (`"n" + $1` with an integer "n"), so a
 * fraction or a number past the range fails there (22P02, 22003), quoting
 * the value.
 *
 * @throws {InvalidQueryError} for an unknown or non-numeric column, or a
 * delta that is not a whole number within the column type's range.
 */
export function checkIncrement(
  table: CatalogTable,
  name: string,
  delta: unknown,
): ColumnManifest {
  const column = table.column(name);
  if (column.kind !== "number") {
    throw new InvalidQueryError(
      `Field "${column.field}" of model "${table.manifest.model}" is not a number and cannot be incremented.`,
    );
  }
  if (typeof delta !== "number" || !isComparable(column, delta)) {
    throw new InvalidQueryError(
      `The increment of field "${column.field}" of model "${table.manifest.model}" must be a whole number within the range of its ${column.pgType} column.`,
    );
  }
  return column;
}

/**
 * `DELETE` every matching row, returning nothing (the row count is what
 * `delete` and `deleteMany` need).
 */
export function compileDelete(
  table: CatalogTable,
  where: WhereNode,
  parameters = new SqlParameters(),
): CompiledStatement {
  const condition = compileTarget(table, where, parameters, {
    oneRow: false,
    lock: "FOR UPDATE",
  });
  return {
    text: `DELETE FROM ${table.manifest.qualifiedName}${condition}`,
    values: parameters.values,
  };
}

/**
 * Deletes one matching row and returns it: Better Auth's `consumeOne`.
 *
 * Under READ COMMITTED the inner `LIMIT 1 FOR UPDATE` makes concurrent
 * consumers queue on the row lock; when the holder commits its delete, a
 * waiter finds the row gone and Postgres moves on to the next matching row,
 * or to none. So each row is returned to exactly one caller, a loser gets
 * null rather than an error, and rows beyond the first are never touched.
 * Waiting (not SKIP LOCKED) also means a row merely locked by a concurrent
 * update is consumed once that update commits instead of being reported
 * missing.
 */
export function compileConsume(
  table: CatalogTable,
  where: WhereNode,
  parameters = new SqlParameters(),
): CompiledStatement {
  const condition = compileTarget(table, where, parameters, {
    oneRow: true,
    lock: "FOR UPDATE",
  });
  return {
    text: `DELETE FROM ${table.manifest.qualifiedName}${condition} RETURNING ${table.selectList}`,
    values: parameters.values,
  };
}

/** `SELECT count(*)`; node-postgres returns the int8 as a string. */
export function compileCount(
  table: CatalogTable,
  where: WhereNode,
  parameters = new SqlParameters(),
): CompiledStatement {
  const condition = compileTarget(table, where, parameters, {
    oneRow: false,
    lock: "FOR UPDATE",
  });
  return {
    text: `SELECT count(*) AS "count" FROM ${table.manifest.qualifiedName}${condition}`,
    values: parameters.values,
  };
}

function compileAssignments(
  table: CatalogTable,
  data: ColumnValues,
  parameters: SqlParameters,
): string[] {
  const { model } = table.manifest;
  const assignments: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const column = table.column(name);
    const placeholder = parameters.add(encodeData(model, column, value), {
      from: "data",
      model,
      key: name,
      column,
    });
    assignments.push(`${quoteIdentifier(column.column)} = ${placeholder}`);
  }
  return assignments;
}

/**
 * The WHERE clause of a statement, or "" when it matches every row. A
 * one-row statement whose predicate does not pin a unique key picks its row
 * through the primary key with `LIMIT 1` and a row lock, so only that row
 * changes and a concurrent change is re-checked against the predicate.
 */
function compileTarget(
  table: CatalogTable,
  where: WhereNode,
  parameters: SqlParameters,
  options: { oneRow: boolean; lock: "FOR UPDATE" | "FOR NO KEY UPDATE" },
): string {
  const matchesAll = where.kind === "constant" && where.value;
  if (!options.oneRow || pinsOneRow(where)) {
    return matchesAll ? "" : ` WHERE ${compileWhere(where, parameters)}`;
  }

  const key = quoteIdentifier(table.primaryKey.column);
  const filter = matchesAll ? "" : ` WHERE ${compileWhere(where, parameters)}`;
  return ` WHERE ${key} = (SELECT ${key} FROM ${table.manifest.qualifiedName}${filter} LIMIT 1 ${options.lock})`;
}

/**
 * True when the plan pins at most one row: its conjunction holds a
 * case-sensitive equality on the primary key or a unique column. Such
 * statements need no `LIMIT 1` subquery to touch a single row.
 */
function pinsOneRow(node: WhereNode): boolean {
  const isKeyEquality = (child: WhereNode) =>
    child.kind === "compare" &&
    child.operator === "=" &&
    !child.insensitive &&
    (child.column.primaryKey || child.column.unique);

  if (node.kind === "and") return node.nodes.some(isKeyEquality);
  return isKeyEquality(node);
}
