import { generateFiles, type StageReport } from "../generate-files.js";
import { DEFAULT_CONFIG_FILE, defaultConfigFile } from "../load-config.js";
import { acceptingMigrations } from "../outputs/migration-files.js";
import { OUTPUT_KINDS } from "../outputs/output-kinds.js";
import { diffOutput, writeOutput, type OutputDiff } from "../sync-output.js";
import { defineCommand, type CliOutput } from "./cli-command.js";

const HELP = `Usage: pg-auth-codegen generate [options]

Reads the Better Auth options in the config file and writes the SQL files
(sqlDir, default sql/) and the TypeScript (outDir, default generated/),
typing every query with pgtyped on an embedded PostgreSQL (PGlite).
Nothing is written when any step fails.

Options:
  --config <path>        The config file (default: ${DEFAULT_CONFIG_FILE}, or .mts).
  --check                Write nothing; exit 1 and list the files that
                         differ, are missing, or are stale, when the
                         output on disk is not what would be generated.
  --database-url <url>   Type the queries on this PostgreSQL server
                         instead of PGlite. A throwaway database is
                         created there and dropped afterwards.
  --accept-migration     Record schema changes that additive migrations
                         refuse, once the newest file in the migrations
                         folder is a hand-written migration making them.
  --help                 Show this help.
`;

/** `pg-auth-codegen generate`: render everything, then write or check. */
export const generateCommand = defineCommand({
  name: "generate",
  summary: "write sql/ and generated/ from the auth config",
  help: HELP,
  options: {
    config: { type: "string" },
    check: { type: "boolean" },
    "database-url": { type: "string" },
    "accept-migration": { type: "boolean" },
  },
  run: async (values, output) => {
    const { loaded, files } = await generateFiles({
      configPath: values.config ?? defaultConfigFile(),
      databaseUrl: values["database-url"] ?? null,
      onStage: (stage) => output.log(stageLine(stage)),
      outputKinds:
        values["accept-migration"] === true
          ? acceptingMigrations(OUTPUT_KINDS)
          : undefined,
    });

    const started = performance.now();
    const diff = await diffOutput(loaded.rootDir, files, loaded);
    if (values.check === true) {
      return reportCheck(diff, output, started);
    }
    await writeOutput(loaded.rootDir, files, diff);
    output.log(
      stageLine({
        name: "write",
        detail: `${diff.changed.length + diff.missing.length} written, ${diff.extra.length} removed, ${diff.unchanged} unchanged`,
        milliseconds: Math.round(performance.now() - started),
      }),
    );
    return 0;
  },
});

function reportCheck(
  diff: OutputDiff,
  output: CliOutput,
  started: number,
): number {
  const differences = [
    ...diff.changed.map((path) => `  differs  ${path}`),
    ...diff.missing.map((path) => `  missing  ${path}`),
    ...diff.extra.map((path) => `  extra    ${path}`),
  ];
  output.log(
    stageLine({
      name: "check",
      detail:
        differences.length === 0
          ? `${diff.unchanged} files up to date`
          : `${differences.length} files out of date`,
      milliseconds: Math.round(performance.now() - started),
    }),
  );
  if (differences.length === 0) return 0;

  output.error(
    "The generated output is out of date; run pg-auth-codegen generate:",
  );
  differences.forEach((line) => output.error(line));
  return 1;
}

function stageLine(stage: StageReport): string {
  const time = `${stage.milliseconds} ms`.padStart(8);
  return `${stage.name.padEnd(16)}${time}  ${stage.detail}`;
}
