import { existsSync } from "node:fs";
import { createRequire, register } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The parts of `@pgtyped/cli` 2.4.3 that the generator drives in process.
 * pgtyped's CLI exits 0 even when a query is invalid and reads any
 * environment variable as an option; calling its generator directly gives
 * each query's error as a value and touches no environment. These modules
 * are internal to the CLI (its package exports only its binary), so the
 * version is pinned exactly in package.json and the shapes used are
 * declared here.
 */

export interface PgtypedDatabase {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly dbName: string;
}

/** What pgtyped's `getTypes` answers for one query. */
export type PgtypedTypeResult =
  | {
      readonly errorCode: string;
      readonly message: string;
      readonly hint?: string;
    }
  | {
      readonly returnTypes: readonly { readonly returnName: string }[];
      readonly paramMetadata: unknown;
    };

/** Collects the TypeScript types one generated file declares. */
export interface PgtypedTypeAllocator {
  readonly errors: readonly unknown[];
  toTypeDefinitions(): unknown;
}

export interface PgtypedInternals {
  /** pgtyped's own settings, as its config parser would produce them. */
  readonly config: object;
  readonly transform: object;
  createTypeAllocator(): PgtypedTypeAllocator;
  queryToTypeDeclarations(
    parsedQuery: { ast: unknown; mode: "sql-file" },
    typeSource: (queryData: unknown) => Promise<PgtypedTypeResult>,
    types: object,
    config: object,
  ): Promise<string>;
  generateDeclarationFile(typeDecSet: {
    typedQueries: unknown[];
    typeDefinitions: unknown;
    fileName: string;
  }): string;
}

const PGTYPED_SETTINGS = {
  // Types follow what node-postgres returns, so they describe real rows.
  camelCaseColumnNames: false,
  hungarianNotation: true,
  nonEmptyArrayParams: false,
  failOnError: true,
  typesOverrides: {},
  maxWorkerThreads: 1,
};

/**
 * A module resolution hook that hands pgtyped's TypeScript-file parser an
 * empty stand-in for the `typescript` package. pgtyped's generator module
 * imports that parser, and through it the whole compiler (9 MB, most of a
 * second to load), for its mode that finds queries in `.ts` files; the
 * generator drives only its SQL-file mode, whose functions never touch it
 * (checked against 2.4.3, which package.json pins). Any other importer of
 * `typescript` gets the real package.
 */
const SKIP_TYPESCRIPT_HOOK = `
export async function resolve(specifier, context, nextResolve) {
  if (
    specifier === "typescript" &&
    context.parentURL?.endsWith("/@pgtyped/cli/lib/parseTypescript.js")
  ) {
    return {
      url: "data:text/javascript,export default {};",
      shortCircuit: true,
    };
  }
  return nextResolve(specifier, context);
}
`;

let typescriptSkipped = false;

function skipPgtypedTypescript(): void {
  if (typescriptSkipped) return;
  typescriptSkipped = true;
  register(`data:text/javascript,${encodeURIComponent(SKIP_TYPESCRIPT_HOOK)}`);
}

let loading: Promise<PgtypedInternals> | null = null;

/**
 * Loads the CLI's internal generator and type allocator, once per process:
 * the pipeline loads them while PGlite boots, and typing reuses them.
 */
export function loadPgtypedInternals(): Promise<PgtypedInternals> {
  loading ??= importPgtypedInternals();
  return loading;
}

async function importPgtypedInternals(): Promise<PgtypedInternals> {
  const lib = findCliLib();
  skipPgtypedTypescript();
  const generator = await import(pathToFileURL(join(lib, "generator.js")).href);
  const types = await import(pathToFileURL(join(lib, "types.js")).href);

  return {
    config: PGTYPED_SETTINGS,
    transform: { mode: "sql", include: "*.sql", emitTemplate: "" },
    createTypeAllocator: () => {
      const allocator = new types.TypeAllocator(types.TypeMapping({}));
      // The CLI's worker registers the runtime import before generating.
      allocator.use(
        { name: "PreparedQuery", from: "@pgtyped/runtime" },
        types.TypeScope.Return,
      );
      return allocator;
    },
    queryToTypeDeclarations: generator.queryToTypeDeclarations,
    generateDeclarationFile: generator.generateDeclarationFile,
  };
}

function findCliLib(): string {
  const require = createRequire(import.meta.url);
  const candidates = require.resolve.paths("@pgtyped/cli") ?? [];
  for (const folder of candidates) {
    const lib = join(folder, "@pgtyped", "cli", "lib");
    if (existsSync(join(lib, "generator.js"))) return lib;
  }
  throw new Error("@pgtyped/cli is not installed; run npm install.");
}
