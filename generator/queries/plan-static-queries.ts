import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import type { StaticQuery } from "../../runtime/static-query.js";
import { planQueries } from "./plan-queries.js";
import type { QueryPlan } from "./query-plan.js";
import { renderQuery } from "./render-query.js";

/**
 * The adapter's static read queries, derived from the same plans as the
 * pgtyped files, with `$1..$n` placeholders. Pure and deterministic; the
 * generated `schema.ts` holds its result, and a programmatic entry can call
 * it on an in-memory manifest.
 *
 * What each one binds and returns (column names are physical, i.e. the
 * manifest's `column`, never the field key; values are node-postgres'
 * defaults: int8 as string, timestamptz as Date, jsonb parsed, arrays as
 * arrays):
 *
 * - `findOne` by id or by a unique field (`findUserById`, `findUserByEmail`):
 *   `$1` is the field's value; returns every manifest column of the model,
 *   in manifest order, at most one row.
 * - `findMany` by a foreign key (`listSessionsByUserId`): `$1` is the field's
 *   value and `$2` the row limit (an integer, always bound: Better Auth
 *   passes a default limit); rows come ordered by primary key, so it fits
 *   calls without `offset` whose `sortBy` is absent.
 * - `count` (`countSessions`): binds nothing; one row `{ count: number }`
 *   (`count(*)::int`).
 * - `findOne` with `joins: ["user"]` (`findSessionWithUserByToken`): `$1` is
 *   the token; one row with every session column, plus a column named `user`
 *   holding the user row as `jsonb` (`to_jsonb`), or null when no user
 *   matches. Its keys are the user table's physical column names (any
 *   column the app added to the table is included too and should be
 *   ignored); timestamptz values arrive as ISO 8601 strings with an offset,
 *   bigint as JSON numbers (exact up to 2^53), arrays as JSON arrays, jsonb nested as is.
 *   It is left out when the session table has a column named `user`.
 *
 * Bound values are never null: Better Auth's `eq null` means IS NULL,
 * which these statements do not express, so such calls take the compiler.
 *
 * A uuid key compared with a malformed string raises `invalid input syntax
 * for type uuid` (22P02) rather than matching nothing. The adapter checks
 * every value against its column before it picks a static query
 * (runtime/static-query-index.ts); an app that calls the generated query
 * functions directly checks the format itself.
 */
export function planStaticQueries(manifest: SchemaManifest): StaticQuery[] {
  return planQueries(manifest).flatMap(staticQueryOf);
}

/** The static form of one plan, or none when the plan is not a read. */
export function staticQueryOf(plan: QueryPlan): StaticQuery[] {
  const operation = operationOf(plan);
  if (operation === null) return [];

  const join = plan.statement.kind === "select" ? plan.statement.join : null;
  if (join !== null && embedsCollide(plan, join.model)) return [];

  return [
    {
      name: plan.name,
      model: plan.model,
      operation,
      whereFields: plan.whereFields,
      joins: join === null ? [] : [join.model],
      sql: renderQuery(plan, "static").sql,
    },
  ];
}

function operationOf(plan: QueryPlan): StaticQuery["operation"] | null {
  switch (plan.kind) {
    case "findById":
    case "findByUnique":
    case "findSessionWithUser":
      return "findOne";
    case "listByForeignKey":
      return "findMany";
    case "count":
      return "count";
    default:
      return null;
  }
}

/** The embedded row's column must not shadow one of the base columns. */
function embedsCollide(plan: QueryPlan, model: string): boolean {
  if (plan.statement.kind !== "select") return false;
  return plan.statement.columns.some(
    (column) => column.sql.endsWith(`."${model}"`) || column.alias === model,
  );
}
