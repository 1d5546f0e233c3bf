import { quoteIdentifier } from "../../runtime/quote-identifier.js";
import type {
  ColumnManifest,
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import { CodegenError } from "../codegen-error.js";
import { shortenIdentifier } from "../schema/shorten-identifier.js";
import {
  modelFileBase,
  paramName,
  pluralModel,
  queryName,
  queryTypeName,
} from "./query-names.js";
import type {
  Condition,
  JoinPlan,
  QueryParam,
  QueryPlan,
  SelectColumn,
} from "./query-plan.js";

/** The parameter that caps `list…By…` queries. */
const LIMIT_PARAM: QueryParam = {
  name: "limit",
  field: null,
  pgType: "integer",
  required: true,
};

/**
 * Plans the typed queries of every model: insert, find by id, find by each
 * unique field, list by each foreign key, update and delete by id, count,
 * and, when the schema has Better Auth's session and user, the session with
 * its user in one statement. Pure: the same manifest gives the same plans,
 * grouped by model in manifest order.
 *
 * @throws {CodegenError} when a column name cannot travel through pgtyped
 * (it strips a trailing `?` or `!`), or when two fields, queries or files
 * would get the same name.
 */
export function planQueries(manifest: SchemaManifest): QueryPlan[] {
  checkFileNames(manifest);

  const plans = manifest.tables.flatMap((table) => {
    checkColumnNames(table);
    return [
      planInsert(table),
      planFindById(table),
      ...planFindByUnique(table),
      ...planListByForeignKey(table),
      ...planUpdateById(table),
      planDeleteById(table),
      planCount(table),
      ...planSessionWithUser(manifest, table),
    ];
  });

  checkQueryNames(plans);
  return plans;
}

/**
 * Identity keys are always left to the database. A NOT NULL column with a
 * default (a uuid key, `emailVerified DEFAULT false`) takes an optional
 * parameter and falls back to its default when given null, since null
 * could never be stored there; this also keeps Better Auth's `forceAllowId`
 * (an explicit uuid) working. Nullable columns store what they are given.
 */
function planInsert(table: TableManifest): QueryPlan {
  const columns = table.columns.filter(
    (column) => !(column.primaryKey && table.idStrategy === "serial"),
  );
  const fallbackOf = (column: ColumnManifest) =>
    column.nullable ? null : column.defaultSql;
  const params = columns.map((column) =>
    paramOf(column, !column.nullable && fallbackOf(column) === null),
  );
  const values = columns.map((column, index) => ({
    column: quoteIdentifier(column.column),
    param: params[index]!.name,
    fallbackSql: fallbackOf(column),
  }));

  return {
    ...identity(table, "insert", ["insert", table.model]),
    whereFields: [],
    params,
    statement: { kind: "insert", table: table.qualifiedName, values },
  };
}

function planFindById(table: TableManifest): QueryPlan {
  const key = primaryKeyOf(table);
  return {
    ...identity(table, "findById", ["find", table.model, "by id"]),
    ...selectWhere(table, key),
  };
}

function planFindByUnique(table: TableManifest): QueryPlan[] {
  return table.columns
    .filter((column) => column.unique && !column.primaryKey)
    .map((column) => ({
      ...identity(table, "findByUnique", [
        "find",
        table.model,
        "by",
        column.field,
      ]),
      ...selectWhere(table, column),
    }));
}

function planListByForeignKey(table: TableManifest): QueryPlan[] {
  return table.columns
    .filter((column) => column.references !== null)
    .map((column) => {
      const base = selectWhere(table, column);
      return {
        ...identity(table, "listByForeignKey", [
          "list",
          pluralModel(table.model),
          "by",
          column.field,
        ]),
        ...base,
        params: [...base.params, LIMIT_PARAM],
        statement: {
          ...base.statement,
          orderBy: [quoteIdentifier(primaryKeyOf(table).column)],
          limitParam: LIMIT_PARAM.name,
        },
      };
    });
}

/** The columns and filter of a single-table read by one column. */
function selectWhere(table: TableManifest, column: ColumnManifest) {
  const param = paramOf(column, true);
  return {
    whereFields: [column.field],
    params: [param],
    statement: {
      kind: "select" as const,
      from: table.qualifiedName,
      columns: table.columns.map(plainColumn),
      join: null,
      where: [equals(quoteIdentifier(column.column), param)],
      orderBy: [],
      limitParam: null,
    },
  };
}

/**
 * Every given, non-null parameter replaces its column; null keeps the
 * current value. A nullable column therefore cannot be cleared through this
 * query (the adapter's update can); a flag per column would double the
 * parameters of every call.
 */
function planUpdateById(table: TableManifest): QueryPlan[] {
  const key = primaryKeyOf(table);
  const columns = table.columns.filter((column) => !column.primaryKey);
  if (columns.length === 0) return [];

  const setParams = columns.map((column) => paramOf(column, false));
  const keyParam = paramOf(key, true);
  return [
    {
      ...identity(table, "updateById", ["update", table.model, "by id"]),
      whereFields: [key.field],
      params: [...setParams, keyParam],
      statement: {
        kind: "update",
        table: table.qualifiedName,
        assignments: columns.map((column, index) => ({
          column: quoteIdentifier(column.column),
          param: setParams[index]!.name,
        })),
        where: [equals(quoteIdentifier(key.column), keyParam)],
      },
    },
  ];
}

function planDeleteById(table: TableManifest): QueryPlan {
  const key = primaryKeyOf(table);
  const keyParam = paramOf(key, true);
  return {
    ...identity(table, "deleteById", ["delete", table.model, "by id"]),
    whereFields: [key.field],
    params: [keyParam],
    statement: {
      kind: "delete",
      table: table.qualifiedName,
      where: [equals(quoteIdentifier(key.column), keyParam)],
    },
  };
}

/**
 * `count(*)` is bigint in Postgres, which node-postgres returns as a string;
 * the cast makes it a JS number (counts of auth rows stay far below 2^31).
 * Each foreign key is an optional filter: null counts every row.
 */
function planCount(table: TableManifest): QueryPlan {
  const filters = table.columns.filter((column) => column.references !== null);
  const params = filters.map((column) => paramOf(column, false));

  return {
    ...identity(table, "count", ["count", pluralModel(table.model)]),
    whereFields: [],
    params,
    statement: {
      kind: "select",
      from: table.qualifiedName,
      columns: [{ sql: "count(*)::int", alias: "count", forceNonNull: true }],
      join: null,
      where: filters.map((column, index) => ({
        kind: "optionalEquals",
        column: quoteIdentifier(column.column),
        param: params[index]!.name,
      })),
      orderBy: [],
      limitParam: null,
    },
  };
}

/**
 * Better Auth's `getSession` reads a session by token together with its
 * user. One statement does both, so a session deleted in between can never
 * pair with a missing user. The join is LEFT so that the statement's shape
 * matches the adapter's general join (a dangling session still comes back).
 */
function planSessionWithUser(
  manifest: SchemaManifest,
  session: TableManifest,
): QueryPlan[] {
  if (session.model !== "session") return [];
  const user = manifest.tables.find((table) => table.model === "user");
  const userId = session.columns.find(
    (column) =>
      column.references?.model === "user" && column.field === "userId",
  );
  const token = session.columns.find((column) => column.field === "token");
  if (user === undefined || userId === undefined || token === undefined) {
    return [];
  }

  const sessionAlias = quoteIdentifier(session.model);
  const join = joinUser(user, sessionAlias, userId);
  const param = paramOf(token, true);
  return [
    {
      ...identity(session, "findSessionWithUser", [
        "find session with user by",
        token.field,
      ]),
      whereFields: [token.field],
      params: [param],
      statement: {
        kind: "select",
        from: `${session.qualifiedName} AS ${sessionAlias}`,
        columns: session.columns.map((column) => ({
          sql: `${sessionAlias}.${quoteIdentifier(column.column)}`,
          alias: null,
          forceNonNull: false,
        })),
        join,
        where: [
          equals(`${sessionAlias}.${quoteIdentifier(token.column)}`, param),
        ],
        orderBy: [],
        limitParam: null,
      },
    },
  ];
}

function joinUser(
  user: TableManifest,
  sessionAlias: string,
  userId: ColumnManifest,
): JoinPlan {
  const alias = quoteIdentifier(user.model);
  const key = primaryKeyOf(user);
  return {
    model: user.model,
    table: user.qualifiedName,
    alias,
    on: `${alias}.${quoteIdentifier(key.column)} = ${sessionAlias}.${quoteIdentifier(userId.column)}`,
    columns: user.columns.map((column) => ({
      sql: `${alias}.${quoteIdentifier(column.column)}`,
      alias: joinedAlias(user.model, column.column),
    })),
  };
}

/**
 * `user.email`, shortened so that it still fits 63 bytes once pgtyped's
 * nullability hint (`?`) is appended: Postgres would silently cut a longer
 * alias and two long columns could then share one name.
 */
function joinedAlias(model: string, column: string): string {
  return shortenIdentifier(`${model}.${column}`, "?").slice(0, -1);
}

function identity(
  table: TableManifest,
  kind: QueryPlan["kind"],
  words: readonly string[],
) {
  return {
    name: queryName(words),
    model: table.model,
    kind,
    file: `${modelFileBase(table.model)}.sql`,
  };
}

function paramOf(column: ColumnManifest, required: boolean): QueryParam {
  return {
    name: paramName(column.field),
    field: column.field,
    pgType: column.pgType,
    required,
  };
}

function plainColumn(column: ColumnManifest): SelectColumn {
  return {
    sql: quoteIdentifier(column.column),
    alias: null,
    forceNonNull: false,
  };
}

function equals(column: string, param: QueryParam): Condition {
  return { kind: "equals", column, param: param.name };
}

function primaryKeyOf(table: TableManifest): ColumnManifest {
  return table.columns.find((column) => column.primaryKey)!;
}

/**
 * pgtyped reads a trailing `?` or `!` on a result column as a nullability
 * hint and strips it from the row at run time, so such a column would come
 * back under another name. Two fields whose parameter names coincide would
 * share one parameter.
 */
function checkColumnNames(table: TableManifest): void {
  const params = new Map<string, string>();
  for (const column of table.columns) {
    if (/[?!]$/.test(column.column)) {
      throw new CodegenError(
        `Column "${column.column}" of field "${table.model}.${column.field}" ends in "${column.column.slice(-1)}", which pgtyped reads as a nullability hint; map the field to another column name.`,
        `auth.${table.model}.fields.${column.field}`,
      );
    }

    const name = paramName(column.field);
    const other = params.get(name);
    const takesLimit =
      name === LIMIT_PARAM.name &&
      table.columns.some((candidate) => candidate.references !== null);
    if (other !== undefined || takesLimit) {
      throw new CodegenError(
        `Fields "${table.model}.${other ?? column.field}" and "${table.model}.${column.field}" both become query parameter "${name}"; rename one of them.`,
        `auth.${table.model}.fields.${column.field}`,
      );
    }
    params.set(name, column.field);
  }
}

function checkFileNames(manifest: SchemaManifest): void {
  const seen = new Map<string, string>([["schema", "the schema file"]]);
  for (const table of manifest.tables) {
    const base = modelFileBase(table.model);
    const other = seen.get(base);
    if (other !== undefined) {
      throw new CodegenError(
        `Model "${table.model}" would write sql/${base}.sql, which ${other.startsWith("the") ? other : `model "${other}"`} already uses; rename the model.`,
        `auth.${table.model}`,
      );
    }
    seen.set(base, table.model);
  }
}

/**
 * pgtyped exports each query under its camel-cased name and its types under
 * the pascal-cased one; either colliding would redeclare an export.
 */
function checkQueryNames(plans: readonly QueryPlan[]): void {
  const seen = new Map<string, QueryPlan>();
  for (const plan of plans) {
    const key = queryTypeName(plan.name).toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new CodegenError(
        `Queries of models "${other.model}" and "${plan.model}" would both be named "${plan.name}"; rename a model or field.`,
        `auth.${plan.model}`,
      );
    }
    seen.set(key, plan);
  }
}
