import type { SchemaManifest } from "../runtime/schema-manifest.js";
import { planSchemaDdl } from "./ddl/plan-schema-ddl.js";
import { renderDdl } from "./ddl/render-ddl.js";
import { loadConfig, type LoadedConfig } from "./load-config.js";
import {
  GENERATED_MARK,
  type OutputContext,
  type OutputKind,
} from "./outputs/output-kind.js";
import { OUTPUT_KINDS } from "./outputs/output-kinds.js";
import { OutputFormatter } from "./output-formatter.js";
import { renderQueryFiles } from "./outputs/sql-query-files.js";
import { queryModuleFor } from "./outputs/typed-query-modules.js";
import { planQueries } from "./queries/plan-queries.js";
import { staticQueryOf } from "./queries/plan-static-queries.js";
import { resolveSchema } from "./schema/resolve-schema.js";
import type {
  PendingTypegenDatabase,
  TypegenDatabase,
} from "./typegen/start-typegen-database.js";

export interface GenerateOptions {
  readonly configPath: string;
  /** Resolves a relative `configPath`; defaults to the process's. */
  readonly cwd?: string;
  /** A server for pgtyped instead of the embedded PGlite. */
  readonly databaseUrl?: string | null;
  /**
   * False renders only the kinds that need no database (all but the typed
   * query modules): what the golden tests compare.
   */
  readonly withDatabase?: boolean;
  /** Told about each finished stage, e.g. to print its time. */
  readonly onStage?: (stage: StageReport) => void;
  /** Replaces the kinds to emit; defaults to `OUTPUT_KINDS`. */
  readonly outputKinds?: readonly OutputKind[];
}

export interface StageReport {
  readonly name: string;
  readonly detail: string;
  readonly milliseconds: number;
}

export interface GeneratedFiles {
  readonly loaded: LoadedConfig;
  /** Path (relative to the config's folder) to text, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The generate pipeline up to, not including, the disk: load the config,
 * resolve and check the schema, plan the queries, render the kinds that
 * need no database, then type the queries with pgtyped on a database,
 * render the rest and format the TypeScript. Every check that needs no
 * database (the config, the schema, the query plans, a migration that
 * additive DDL refuses) runs before anything waits for the database, so
 * such an error arrives in moments rather than after PGlite's boot, which
 * runs meanwhile on its own thread and is then discarded. Output is
 * byte-identical for the same config: sorted paths, `\n` endings, no
 * timestamps or absolute paths.
 *
 * @throws {CodegenError} naming the file, model, field or option the
 * generator cannot honour; nothing has been written when it throws.
 */
export async function generateFiles(
  options: GenerateOptions,
): Promise<GeneratedFiles> {
  const stage = stageRunner(options.onStage);
  const kinds = (options.outputKinds ?? OUTPUT_KINDS).filter(
    (kind) => options.withDatabase !== false || !kind.needsDatabase,
  );
  // PGlite boots for seconds on a thread of its own, and loading the
  // config (Better Auth and its plugins) keeps this thread as busy: start
  // it first. A run that stops before typing the queries discards it.
  const pending = kinds.some((kind) => kind.needsDatabase)
    ? await prepareDatabase(options.databaseUrl ?? null)
    : null;
  let handedOver = false;
  try {
    const result = await generateWith(options, stage, kinds, () => {
      handedOver = true;
      return pending!;
    });
    return result;
  } finally {
    // Awaited, so that no PGlite thread outlives a refused run.
    if (!handedOver) await pending?.discard().catch(() => {});
  }
}

async function prepareDatabase(
  databaseUrl: string | null,
): Promise<PendingTypegenDatabase> {
  const { prepareTypegenDatabase } =
    await import("./typegen/start-typegen-database.js");
  return prepareTypegenDatabase(databaseUrl);
}

async function generateWith(
  options: GenerateOptions,
  stage: StageRunner,
  kinds: readonly OutputKind[],
  takeDatabase: () => PendingTypegenDatabase,
): Promise<GeneratedFiles> {
  const loaded = await stage(
    "load config",
    () => loadConfig(options.configPath, options.cwd),
    (result) => result.displayPath,
  );
  const { auth, schema, usePlural } = loaded.config;
  const manifest = await stage(
    "resolve schema",
    () => resolveSchema({ auth, schema, usePlural }),
    (result) => `${result.tables.length} tables`,
  );
  const queries = await stage(
    "plan queries",
    () => planQueries(manifest),
    (result) => `${result.length} queries`,
  );

  const context = {
    config: loaded.config,
    rootDir: loaded.rootDir,
    configFile: loaded.displayPath,
    sqlDir: loaded.sqlDir,
    outDir: loaded.outDir,
    manifest,
    queries,
    staticQueries: queries.flatMap(staticQueryOf),
  };
  // Kinds listed before the first one that needs pgtyped render first, so
  // that their errors (a refused migration, say) arrive before the
  // database even starts.
  const split = kinds.findIndex((kind) => kind.needsDatabase);
  const early = split === -1 ? kinds : kinds.slice(0, split);
  const rendered = new Map<string, string>();
  await stage(
    "render",
    () => renderKinds(early, { ...context, typedQueries: null }, rendered),
    () => `${rendered.size} files`,
  );
  const formatter = new OutputFormatter();
  if (split !== -1) {
    const typedQueries = await typeQueries(
      context,
      takeDatabase(),
      formatter,
      rendered,
      stage,
    );
    const late = kinds.slice(early.length);
    const before = rendered.size;
    await stage(
      "render typed",
      () => renderKinds(late, { ...context, typedQueries }, rendered),
      () => `${rendered.size - before} files`,
    );
  }

  const files = await stage(
    "format",
    () => formatter.formatAll(rendered),
    () => "prettier",
  );
  return { loaded, files };
}

type StageRunner = ReturnType<typeof stageRunner>;

/**
 * Opens the database (PGlite, or a throwaway database on a server) with
 * the schema, closes it again here, also on failure, and types the SQL
 * query files with pgtyped. pgtyped is loaded only now: a run that stops
 * earlier never pays for it. Until PGlite is ready, this thread loads
 * pgtyped and formats the files rendered so far; while pgtyped waits for
 * PGlite, it formats each typed module.
 */
async function typeQueries(
  context: Omit<OutputContext, "typedQueries" | "files">,
  pending: PendingTypegenDatabase,
  formatter: OutputFormatter,
  rendered: ReadonlyMap<string, string>,
  stage: StageRunner,
): Promise<Map<string, string>> {
  const opening = pending.open(
    renderDdl(planSchemaDdl(withEveryTable(context.manifest))),
  );
  // Awaited below, after the work that overlaps the boot; until then a
  // rejection must not count as unhandled.
  opening.catch(() => {});

  let database: TypegenDatabase | null = null;
  try {
    formatter.prefetch(rendered);
    const { typeQueryFiles } = await import("./typegen/type-query-files.js");
    const { loadPgtypedInternals } =
      await import("./typegen/pgtyped-internals.js");
    await loadPgtypedInternals();
    database = await stage(
      "start database",
      () => opening,
      (result) => result.label,
    );

    const files = renderQueryFiles(context);
    const connection = database.connection;
    return await stage(
      "type queries",
      () =>
        typeQueryFiles(files, connection, (path, declarations) => {
          const module = queryModuleFor(context, path, declarations);
          formatter.prefetch([[module.path, module.contents]]);
        }),
      () => `${files.length} files with pgtyped`,
    );
  } finally {
    if (database !== null) {
      await database.close();
    } else {
      void pending.discard();
      void opening.then((opened) => opened.close()).catch(() => {});
    }
  }
}

/**
 * pgtyped needs every table a query names, including those Better Auth
 * marks `disableMigrations` (the app creates them; sql/schema.sql leaves
 * them out).
 */
function withEveryTable(manifest: SchemaManifest): SchemaManifest {
  return {
    ...manifest,
    tables: manifest.tables.map((table) => ({
      ...table,
      disableMigrations: false,
    })),
  };
}

/** Renders kinds in list order into `files`, each seeing the ones before. */
function renderKinds(
  kinds: readonly OutputKind[],
  context: Omit<OutputContext, "files">,
  files: Map<string, string>,
): void {
  for (const kind of kinds) {
    for (const file of kind.render({ ...context, files })) {
      if (files.has(file.path)) {
        throw new Error(`Two output kinds both emit ${file.path}.`);
      }
      if (!file.contents.split("\n", 1)[0]!.includes(GENERATED_MARK)) {
        throw new Error(
          `The ${kind.name} output ${file.path} lacks the generated header.`,
        );
      }
      files.set(file.path, file.contents);
    }
  }
}

/** Runs pipeline stages, reporting each one's name, detail and time. */
function stageRunner(onStage: GenerateOptions["onStage"]) {
  return async <T>(
    name: string,
    run: () => T | Promise<T>,
    describe: (result: T) => string,
  ): Promise<T> => {
    const started = performance.now();
    const result = await run();
    const milliseconds = Math.round(performance.now() - started);
    onStage?.({ name, detail: describe(result), milliseconds });
    return result;
  };
}
