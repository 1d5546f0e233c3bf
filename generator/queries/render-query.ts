import { quoteIdentifier } from "../../runtime/quote-identifier.js";
import { renderTemplate } from "../templates/render-template.js";
import type {
  Condition,
  QueryParam,
  QueryPlan,
  QueryStatement,
} from "./query-plan.js";

/**
 * How a plan becomes SQL text.
 *
 * - `pgtyped`: named parameters (`:email!::text`), nullability hints on
 *   computed and left-joined columns, the joined row as flat columns.
 * - `static`: `$1..$n` in the order of the bound parameters, optional
 *   filters left out (a null optional filter matches every row), and the
 *   joined row as one `jsonb` column named after the joined model.
 */
export type QueryDialect = "pgtyped" | "static";

export interface RenderedQuery {
  readonly sql: string;
  /** The parameters in placeholder order (`static` only binds these). */
  readonly params: readonly QueryParam[];
}

/** Renders one planned query in a dialect; the SQL has no trailing `;`. */
export function renderQuery(
  plan: QueryPlan,
  dialect: QueryDialect,
): RenderedQuery {
  const statement = dropOptionalFilters(plan.statement, dialect);
  const params = plan.params.filter((param) =>
    usesParam(statement, param.name),
  );
  const placeholder = (name: string): string => {
    const index = params.findIndex((param) => param.name === name);
    const param = params[index]!;
    return dialect === "pgtyped"
      ? `:${param.name}${param.required ? "!" : ""}::${param.pgType}`
      : `$${index + 1}::${param.pgType}`;
  };

  const sql = renderStatement(statement, dialect, placeholder).trimEnd();
  return { sql, params };
}

function dropOptionalFilters(
  statement: QueryStatement,
  dialect: QueryDialect,
): QueryStatement {
  if (dialect === "pgtyped" || statement.kind === "insert") return statement;
  return {
    ...statement,
    where: statement.where.filter((condition) => condition.kind === "equals"),
  };
}

function usesParam(statement: QueryStatement, name: string): boolean {
  switch (statement.kind) {
    case "insert":
      return statement.values.some((value) => value.param === name);
    case "select":
      return (
        statement.limitParam === name ||
        statement.where.some((condition) => condition.param === name)
      );
    case "update":
      return (
        statement.assignments.some((assignment) => assignment.param === name) ||
        statement.where.some((condition) => condition.param === name)
      );
    case "delete":
      return statement.where.some((condition) => condition.param === name);
  }
}

function renderStatement(
  statement: QueryStatement,
  dialect: QueryDialect,
  placeholder: (name: string) => string,
): string {
  const where = (conditions: readonly Condition[]) =>
    conditions.map((condition) => renderCondition(condition, placeholder));

  switch (statement.kind) {
    case "insert":
      return renderTemplate("sql/insert.sql", {
        table: statement.table,
        columns: statement.values.map((value) => value.column),
        values: statement.values.map((value) =>
          value.fallbackSql === null
            ? placeholder(value.param)
            : `COALESCE(${placeholder(value.param)}, ${value.fallbackSql})`,
        ),
      });
    case "select":
      return renderTemplate("sql/select.sql", {
        columns: selectList(statement, dialect),
        from: statement.from,
        join:
          statement.join === null
            ? null
            : `${statement.join.table} AS ${statement.join.alias} ON ${statement.join.on}`,
        where: where(statement.where),
        orderBy: statement.orderBy.join(", "),
        limit:
          statement.limitParam === null
            ? null
            : placeholder(statement.limitParam),
      });
    case "update":
      return renderTemplate("sql/update.sql", {
        table: statement.table,
        assignments: statement.assignments.map(
          (assignment) =>
            `${assignment.column} = COALESCE(${placeholder(assignment.param)}, ${assignment.column})`,
        ),
        where: where(statement.where),
      });
    case "delete":
      return renderTemplate("sql/delete.sql", {
        table: statement.table,
        where: where(statement.where),
      });
  }
}

/**
 * The optional filter repeats its cast on both uses: pgtyped infers one
 * type per parameter, and without the casts it would take whichever use it
 * met first (pgtyped #354).
 */
function renderCondition(
  condition: Condition,
  placeholder: (name: string) => string,
): string {
  const value = placeholder(condition.param);
  return condition.kind === "equals"
    ? `${condition.column} = ${value}`
    : `(${value} IS NULL OR ${condition.column} = ${value})`;
}

/**
 * pgtyped types left-joined columns from their table's NOT NULL flags, and
 * computed ones (like a count) as nullable; the `?` and `!` hints correct
 * both, and pgtyped's runtime strips them from row keys.
 */
function selectList(
  statement: Extract<QueryStatement, { kind: "select" }>,
  dialect: QueryDialect,
): string[] {
  const own = statement.columns.map((column) => {
    if (column.alias === null) return column.sql;
    const hint = dialect === "pgtyped" && column.forceNonNull ? "!" : "";
    return `${column.sql} AS ${quoteIdentifier(`${column.alias}${hint}`)}`;
  });
  const join = statement.join;
  if (join === null) return own;

  if (dialect === "static") {
    return [
      ...own,
      `to_jsonb(${join.alias}) AS ${quoteIdentifier(join.model)}`,
    ];
  }
  return [
    ...own,
    ...join.columns.map(
      (column) => `${column.sql} AS ${quoteIdentifier(`${column.alias}?`)}`,
    ),
  ];
}
