import { parseSQLFile, queryASTToIR } from "@pgtyped/parser";
import { getTypes, startup } from "@pgtyped/query";
import { AsyncQueue } from "@pgtyped/wire";

import { CodegenError } from "../codegen-error.js";
import { queryTypeName } from "../queries/query-names.js";
import {
  loadPgtypedInternals,
  type PgtypedDatabase,
  type PgtypedInternals,
  type PgtypedTypeResult,
} from "./pgtyped-internals.js";

/** One pgtyped-annotated SQL file, by its project-relative path. */
export interface SqlQueryFile {
  readonly path: string;
  readonly contents: string;
}

/**
 * Runs pgtyped's type inference over SQL files against a database that
 * holds the schema, and returns pgtyped's TypeScript for each file (keyed by
 * the SQL file's path), unformatted and without a header. Nothing touches
 * the disk. Uses one connection for all files. `onFile` hears of each file
 * as soon as it is typed.
 *
 * @throws {CodegenError} naming the query and the file when Postgres rejects
 * a query, a result column has no name, pgtyped cannot parse the file, or a
 * type has no TypeScript mapping.
 */
export async function typeQueryFiles(
  files: readonly SqlQueryFile[],
  database: PgtypedDatabase,
  onFile?: (path: string, typed: string) => void,
): Promise<Map<string, string>> {
  const pgtyped = await loadPgtypedInternals();
  const queue = new AsyncQueue();
  await startup(database, queue);

  try {
    const typed = new Map<string, string>();
    for (const file of files) {
      const declarations = await typeFile(file, queue, pgtyped);
      typed.set(file.path, declarations);
      onFile?.(file.path, declarations);
    }
    return typed;
  } finally {
    queue.socket.destroy();
  }
}

async function typeFile(
  file: SqlQueryFile,
  queue: AsyncQueue,
  pgtyped: PgtypedInternals,
): Promise<string> {
  const { queries, events } = parseSQLFile(file.contents);
  const critical = events.find((event) => "critical" in event);
  if (critical !== undefined) {
    throw new CodegenError(
      `pgtyped cannot parse ${file.path}: ${JSON.stringify(critical.message)}.`,
    );
  }

  const types = pgtyped.createTypeAllocator();
  const typedQueries = [];
  for (const ast of queries) {
    const typeSource = (queryData: unknown) =>
      inferTypes(queryData, queue, ast.name, file.path);
    const typeDeclaration = await pgtyped.queryToTypeDeclarations(
      { ast, mode: "sql-file" },
      typeSource,
      types,
      pgtyped.config,
    );
    // The same record pgtyped's generateTypedecsFromFile builds.
    typedQueries.push({
      mode: "sql",
      query: {
        name: ast.name,
        ast,
        ir: queryASTToIR(ast),
        paramTypeAlias: `I${queryTypeName(ast.name)}Params`,
        returnTypeAlias: `I${queryTypeName(ast.name)}Result`,
      },
      fileName: file.path,
      typeDeclaration,
    });
  }

  if (types.errors.length > 0) {
    throw new CodegenError(
      `pgtyped has no TypeScript type for a column or parameter in ${file.path}: ${types.errors.map(String).join("; ")}`,
    );
  }
  return pgtyped.generateDeclarationFile({
    typedQueries,
    typeDefinitions: types.toTypeDefinitions(),
    fileName: file.path,
  });
}

/**
 * Asks Postgres to describe one query. A rejected query would otherwise
 * become pgtyped's `never` types and a log line; here it stops generation.
 */
async function inferTypes(
  queryData: unknown,
  queue: AsyncQueue,
  name: string,
  path: string,
): Promise<PgtypedTypeResult> {
  const result = (await getTypes(
    queryData as Parameters<typeof getTypes>[0],
    queue,
  )) as PgtypedTypeResult;

  if ("errorCode" in result) {
    const hint = result.hint === undefined ? "" : ` (${result.hint})`;
    throw new CodegenError(
      `Query "${name}" in ${path} is invalid: ${result.message}${hint}.`,
    );
  }
  if (result.returnTypes.some((column) => column.returnName === "?column?")) {
    throw new CodegenError(
      `Query "${name}" in ${path} returns a column without a name; give it an alias.`,
    );
  }
  return result;
}
