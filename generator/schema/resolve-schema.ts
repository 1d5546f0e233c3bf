import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";

import type {
  CheckManifest,
  ColumnManifest,
  FieldKind,
  IdStrategy,
  IndexManifest,
  OnDeleteAction,
  SchemaManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";
import {
  quoteIdentifier,
  quoteTableName,
} from "../../runtime/quote-identifier.js";
import { MIGRATION_JOURNAL_TABLE } from "../../runtime/migration-journal.js";
import { CodegenError } from "../codegen-error.js";
import {
  MAX_IDENTIFIER_BYTES,
  shortenIdentifier,
} from "./shorten-identifier.js";

/** What the schema depends on: Better Auth's options plus our own. */
export interface SchemaOptions {
  readonly auth: BetterAuthOptions;
  /** Put every table in this Postgres schema, e.g. `internal`. */
  readonly schema?: string | undefined;
  /** Better Auth's adapter `usePlural`: table names get an `s`. */
  readonly usePlural?: boolean | undefined;
}

type AuthTables = ReturnType<typeof getAuthTables>;
type AuthTable = AuthTables[string];
type AuthField = AuthTable["fields"][string];

const ID_TYPES: Record<IdStrategy, string> = {
  text: "text",
  uuid: "uuid",
  serial: "integer",
};

/**
 * Resolves Better Auth's options into the schema manifest: the tables exactly
 * as Better Auth sees them (plugins, `modelName`, `fields`, additional fields,
 * id strategy), with Postgres types, keys, indexes and references, in an
 * order that creates referenced tables first.
 *
 * @throws {CodegenError} naming the model, field and option when the options
 * describe something Postgres cannot hold.
 */
export function resolveSchema(options: SchemaOptions): SchemaManifest {
  const authTables = loadAuthTables(options.auth);
  const idStrategy = resolveIdStrategy(options.auth);
  const usePlural = options.usePlural === true;

  const tables = orderByDependencies(authTables).map((model) =>
    resolveTable(model, authTables, idStrategy, options),
  );

  checkTableCollisions(tables);
  return deepFreeze({ usePlural, idStrategy, tables });
}

function loadAuthTables(auth: BetterAuthOptions): AuthTables {
  if (auth === null || typeof auth !== "object") {
    throw new CodegenError(
      "The config's `auth` must be the options object passed to betterAuth().",
      "auth",
    );
  }

  try {
    return getAuthTables(auth);
  } catch (error) {
    throw new CodegenError(
      `Better Auth could not resolve its tables from these options: ${(error as Error).message}`,
      "auth",
    );
  }
}

function resolveIdStrategy(auth: BetterAuthOptions): IdStrategy {
  const generateId = auth.advanced?.database?.generateId;
  if (generateId === "uuid") return "uuid";
  if (generateId === "serial") return "serial";
  if (
    generateId === undefined ||
    generateId === false ||
    typeof generateId === "function"
  ) {
    return "text";
  }

  throw new CodegenError(
    `advanced.database.generateId is ${JSON.stringify(generateId)}; expected "uuid", "serial", false or a function.`,
    "auth.advanced.database.generateId",
  );
}

/**
 * Sorts model keys so that every referenced model precedes the models that
 * reference it; ties keep Better Auth's `order` and then the key, so the
 * result is stable across runs.
 */
function orderByDependencies(authTables: AuthTables): string[] {
  const keys = Object.keys(authTables).sort((a, b) => {
    const orderA = authTables[a]?.order ?? Number.MAX_SAFE_INTEGER;
    const orderB = authTables[b]?.order ?? Number.MAX_SAFE_INTEGER;
    return orderA - orderB || (a < b ? -1 : a > b ? 1 : 0);
  });

  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (key: string): void => {
    if (ordered.includes(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const field of Object.values(authTables[key]!.fields)) {
      const target = findModelKey(authTables, field.references?.model);
      if (target !== null && target !== key) visit(target);
    }
    visiting.delete(key);
    ordered.push(key);
  };
  keys.forEach(visit);
  return ordered;
}

/** Finds a model by its key or by its configured `modelName`. */
function findModelKey(
  authTables: AuthTables,
  name: string | undefined,
): string | null {
  if (name === undefined) return null;
  if (Object.hasOwn(authTables, name)) return name;
  const byName = Object.entries(authTables).find(
    ([, table]) => table.modelName === name,
  );
  return byName?.[0] ?? null;
}

function resolveTable(
  model: string,
  authTables: AuthTables,
  idStrategy: IdStrategy,
  options: SchemaOptions,
): TableManifest {
  const authTable = authTables[model]!;
  const modelName = options.usePlural
    ? `${authTable.modelName}s`
    : authTable.modelName;
  const { schema, table } = splitQualifiedName(modelName, options.schema);
  checkIdentifier(
    table,
    `Table name of model "${model}"`,
    `auth.${model}.modelName`,
  );
  if (schema !== null) {
    const fromModelName = modelName.includes(".");
    checkIdentifier(
      schema,
      fromModelName ? `Schema of model "${model}"` : "The config's schema",
      fromModelName ? `auth.${model}.modelName` : "schema",
    );
  }
  if (table === MIGRATION_JOURNAL_TABLE) {
    throw new CodegenError(
      `Model "${model}" maps to table "${table}", which the migration runner keeps its journal in; choose another modelName.`,
      `auth.${model}.modelName`,
    );
  }

  const columns = [
    resolveIdColumn(model, authTable, idStrategy, options.auth),
    ...Object.entries(authTable.fields)
      .filter(([field]) => field !== "id")
      .map(([field, attribute]) =>
        resolveColumn(model, field, attribute, authTables, idStrategy),
      ),
  ];
  checkColumnCollisions(model, columns);

  return {
    model,
    modelName,
    schema,
    table,
    qualifiedName: quoteTableName(schema, table),
    idStrategy,
    columns,
    indexes: [
      ...resolveIndexes(model, table, authTable, columns),
      ...rateLimitIndexes(model, table, columns),
    ],
    checks: rateLimitChecks(model, table, columns),
    disableMigrations: authTable.disableMigrations === true,
  };
}

/**
 * Splits `internal.users` into schema and table. Better Auth accepts a
 * schema-qualified `modelName`; a config-wide schema applies to the rest.
 */
function splitQualifiedName(
  modelName: string,
  configSchema: string | undefined,
): { schema: string | null; table: string } {
  const dot = modelName.indexOf(".");
  if (dot === -1) return { schema: configSchema ?? null, table: modelName };
  return { schema: modelName.slice(0, dot), table: modelName.slice(dot + 1) };
}

function resolveIdColumn(
  model: string,
  authTable: AuthTable,
  idStrategy: IdStrategy,
  auth: BetterAuthOptions,
): ColumnManifest {
  const column = authTable.fields.id?.fieldName ?? "id";
  checkIdentifier(
    column,
    `Id column of model "${model}"`,
    `auth.${model}.fields.id`,
  );

  return {
    field: "id",
    column,
    kind: idStrategy === "serial" ? "number" : "string",
    pgType: ID_TYPES[idStrategy],
    nullable: false,
    unique: true,
    primaryKey: true,
    references: null,
    unmanagedReference: null,
    defaultSql: idDefault(idStrategy, auth),
  };
}

/**
 * The database supplies ids for uuid keys, and for text keys whenever
 * Better Auth may not: `generateId: false`, or a function that can return
 * false for some models. The uuid function is schema-qualified so a hostile
 * `search_path` cannot substitute it (CVE-2018-1058).
 */
function idDefault(
  idStrategy: IdStrategy,
  auth: BetterAuthOptions,
): string | null {
  if (idStrategy === "uuid") return "pg_catalog.gen_random_uuid()";
  if (idStrategy === "serial") return null;
  const generateId = auth.advanced?.database?.generateId;
  return generateId === false || typeof generateId === "function"
    ? "(pg_catalog.gen_random_uuid())::text"
    : null;
}

function resolveColumn(
  model: string,
  field: string,
  attribute: AuthField,
  authTables: AuthTables,
  idStrategy: IdStrategy,
): ColumnManifest {
  const optionPath = `auth.${model}.fields.${field}`;
  const column = attribute.fieldName ?? field;
  checkIdentifier(column, `Column of field "${model}.${field}"`, optionPath);

  const kind = resolveKind(model, field, attribute);
  const referencedModel = findModelKey(authTables, attribute.references?.model);
  const references =
    attribute.references && referencedModel !== null
      ? {
          model: referencedModel,
          field: attribute.references.field,
          onDelete: (attribute.references.onDelete ??
            "cascade") as OnDeleteAction,
        }
      : null;

  return {
    field,
    column,
    kind,
    pgType:
      references === null
        ? pgTypeOf(kind, attribute)
        : referencedPgType(references, authTables, idStrategy, optionPath),
    nullable: attribute.required === false,
    unique: attribute.unique === true,
    primaryKey: false,
    references,
    unmanagedReference:
      attribute.references && referencedModel === null
        ? `${attribute.references.model}.${attribute.references.field}`
        : null,
    defaultSql: staticDefault(kind, attribute.defaultValue),
  };
}

function resolveKind(
  model: string,
  field: string,
  attribute: AuthField,
): FieldKind {
  const type = attribute.type as unknown;
  // A literal list (`["admin", "user"]`) is Better Auth's enum: stored as text.
  if (Array.isArray(type) && type.every((item) => typeof item === "string")) {
    return "string";
  }
  if (
    type === "string" ||
    type === "number" ||
    type === "boolean" ||
    type === "date" ||
    type === "json" ||
    type === "string[]" ||
    type === "number[]"
  ) {
    return type;
  }

  throw new CodegenError(
    `Field "${model}.${field}" has type ${JSON.stringify(type)}, which has no PostgreSQL column type; use string, number, boolean, date, json, string[] or number[].`,
    `auth.${model}.fields.${field}.type`,
  );
}

/**
 * Better Auth field types to Postgres. Dates are always timestamptz: a naive
 * timestamp is read back in the host's time zone by node-postgres. Number
 * arrays are double precision because a JS number array may hold fractions.
 */
function pgTypeOf(kind: FieldKind, attribute: AuthField): string {
  switch (kind) {
    case "string":
      return "text";
    case "number":
      return attribute.bigint ? "bigint" : "integer";
    case "boolean":
      return "boolean";
    case "date":
      return "timestamptz";
    case "json":
      return "jsonb";
    case "string[]":
      return "text[]";
    case "number[]":
      return attribute.bigint ? "bigint[]" : "double precision[]";
  }
}

/** A foreign key takes the referenced key's plain type: no default, no identity. */
function referencedPgType(
  references: { model: string; field: string },
  authTables: AuthTables,
  idStrategy: IdStrategy,
  optionPath: string,
): string {
  if (references.field === "id") return ID_TYPES[idStrategy];

  const target = authTables[references.model]!.fields[references.field];
  if (target === undefined) {
    throw new CodegenError(
      `Field "${optionPath.replace(/^auth\.|\.fields/g, "")}" references "${references.model}.${references.field}", which does not exist.`,
      `${optionPath}.references`,
    );
  }
  return pgTypeOf(
    resolveKind(references.model, references.field, target),
    target,
  );
}

/**
 * A static `defaultValue` becomes a column default, so adding a required
 * column to a populated table can fill existing rows. Function defaults run
 * in Better Auth at insert time and have no SQL equivalent.
 */
function staticDefault(kind: FieldKind, value: unknown): string | null {
  if (value === undefined || value === null || typeof value === "function") {
    return null;
  }
  if (kind === "string" && typeof value === "string")
    return quoteLiteral(value);
  if (
    kind === "number" &&
    typeof value === "number" &&
    Number.isFinite(value)
  ) {
    return String(value);
  }
  if (kind === "boolean" && typeof value === "boolean") return String(value);
  if (kind === "json") return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
  if ((kind === "string[]" || kind === "number[]") && Array.isArray(value)) {
    return value.length === 0 ? "'{}'" : null;
  }
  return null;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function resolveIndexes(
  model: string,
  table: string,
  authTable: AuthTable,
  columns: readonly ColumnManifest[],
): IndexManifest[] {
  const columnOf = (field: string): string => {
    const column = columns.find((candidate) => candidate.field === field);
    if (column === undefined) {
      throw new CodegenError(
        `An index on model "${model}" names field "${field}", which the model does not have.`,
        `auth.${model}.indexes`,
      );
    }
    return column.column;
  };

  const fieldIndexes = Object.entries(authTable.fields)
    .filter(
      ([, attribute]) => attribute.unique === true || attribute.index === true,
    )
    .map(([field, attribute]) =>
      indexOn(table, [columnOf(field)], attribute.unique === true),
    );
  const tableIndexes = (authTable.indexes ?? []).map((index) =>
    indexOn(table, index.fields.map(columnOf), index.unique === true),
  );

  const byName = new Map<string, IndexManifest>();
  for (const index of [...fieldIndexes, ...tableIndexes])
    byName.set(index.name, index);
  return [...byName.values()];
}

function indexOn(
  table: string,
  columns: string[],
  unique: boolean,
): IndexManifest {
  const name = shortenIdentifier(
    `${table}_${columns.join("_")}`,
    unique ? "_key" : "_idx",
  );
  return { name, columns, unique };
}

/**
 * The rate-limit table gets a cleanup index on `lastRequest` (expired rows are
 * deleted by age) and a guard that counts never go negative.
 */
function rateLimitIndexes(
  model: string,
  table: string,
  columns: readonly ColumnManifest[],
): IndexManifest[] {
  const lastRequest = columns.find((column) => column.field === "lastRequest");
  if (model !== "rateLimit" || lastRequest === undefined) return [];
  return [indexOn(table, [lastRequest.column], false)];
}

function rateLimitChecks(
  model: string,
  table: string,
  columns: readonly ColumnManifest[],
): CheckManifest[] {
  const count = columns.find((column) => column.field === "count");
  if (model !== "rateLimit" || count === undefined) return [];
  return [
    {
      name: shortenIdentifier(`${table}_${count.column}`, "_check"),
      expression: `${quoteIdentifier(count.column)} >= 0`,
    },
  ];
}

function checkIdentifier(name: string, what: string, optionPath: string): void {
  if (name.length === 0) {
    throw new CodegenError(`${what} is empty.`, optionPath);
  }
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new CodegenError(
      `${what} "${name}" is ${Buffer.byteLength(name)} bytes; PostgreSQL truncates identifiers over ${MAX_IDENTIFIER_BYTES} bytes, so choose a shorter name.`,
      optionPath,
    );
  }
}

function checkColumnCollisions(
  model: string,
  columns: readonly ColumnManifest[],
): void {
  const seen = new Map<string, string>();
  for (const column of columns) {
    const other = seen.get(column.column);
    if (other !== undefined) {
      throw new CodegenError(
        `Fields "${model}.${other}" and "${model}.${column.field}" both map to column "${column.column}".`,
        `auth.${model}.fields.${column.field}`,
      );
    }
    seen.set(column.column, column.field);
  }
}

function checkTableCollisions(tables: readonly TableManifest[]): void {
  const seen = new Map<string, string>();
  for (const table of tables) {
    const other = seen.get(table.qualifiedName);
    if (other !== undefined) {
      throw new CodegenError(
        `Models "${other}" and "${table.model}" both map to table ${table.qualifiedName}.`,
        `auth.${table.model}.modelName`,
      );
    }
    seen.set(table.qualifiedName, table.model);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
