import { wasInterrupted } from "./clean-up-on-interrupt.js";
import { CodegenError } from "./codegen-error.js";
import {
  parseCommandArgs,
  type CliCommand,
  type CliOutput,
} from "./commands/cli-command.js";

/**
 * The subcommands, each a module of its own under `generator/commands/`,
 * loaded only when called. To add one, export a `CliCommand` from a new
 * module there and list it here.
 */
const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  generate: async () =>
    (await import("./commands/generate-command.js")).generateCommand,
  migrate: async () =>
    (await import("./commands/migrate-command.js")).migrateCommand,
  plan: async () => (await import("./commands/plan-command.js")).planCommand,
};

/**
 * Runs `pg-auth-codegen <command> [flags]` and resolves to the exit code.
 * A `CodegenError` or a flag error is printed as one message; any other
 * error is a bug and is printed with its stack. Either way the code is the
 * command's `errorExitCode`, 1 unless it says otherwise.
 */
export async function runCli(
  argv: readonly string[],
  output: CliOutput = console,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "help") {
    output.log(await usage());
    return name === undefined ? 1 : 0;
  }

  const load = COMMANDS[name];
  if (load === undefined) {
    output.error(`Unknown command "${name}".\n\n${await usage()}`);
    return 1;
  }

  const command = await load();
  try {
    const values = parseCommandArgs(command, args);
    if (values === null) {
      output.log(command.help);
      return 0;
    }
    return await command.run(values, output);
  } catch (error) {
    // After Ctrl-C the work fails as its throwaway database is dropped;
    // the signal handler exits with 130 or 143 once that is done.
    if (!wasInterrupted()) output.error(describeError(error, name));
    return command.errorExitCode ?? 1;
  }
}

/**
 * The binary's entry: runs the command, then ends the process with its
 * exit code once stdout and stderr are written. The config may import the
 * app's auth module, which often leaves a pool, a timer or a socket open;
 * waiting for those would keep `generate --check` running in CI forever,
 * or until a pool's idle timeout.
 */
export async function runCliAndExit(argv: readonly string[]): Promise<void> {
  const code = await runCli(argv);
  process.exitCode = code;
  // After Ctrl-C the signal handler exits with 130 or 143 once the
  // throwaway database is dropped: exiting now would leave it behind.
  if (wasInterrupted()) return;

  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}

/**
 * Resolves once everything written to `stream` so far has been handed to
 * the system: writes complete in order, so an empty write's callback
 * comes after theirs. Linux writes pipes, files and terminals
 * synchronously already; where a pipe is written asynchronously (macOS),
 * this keeps process.exit from cutting the output short.
 */
function written(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.values(COMMANDS).map(async (load) => {
      const command = await load();
      return `  ${command.name.padEnd(12)}${command.summary}`;
    }),
  );
  return [
    "Usage: pg-auth-codegen <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run pg-auth-codegen <command> --help for its options.",
  ].join("\n");
}

function describeError(error: unknown, command: string): string {
  if (error instanceof CodegenError) {
    const option = error.optionPath === null ? "" : ` (${error.optionPath})`;
    return `error: ${error.message}${option}`;
  }
  // node:util parseArgs: unknown flags, missing flag values.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    return `error: ${(error as Error).message}\nRun pg-auth-codegen ${command} --help for its options.`;
  }
  return `error: ${(error as Error).stack ?? String(error)}`;
}

const isEntry =
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isEntry) {
  await runCliAndExit(process.argv.slice(2));
}
