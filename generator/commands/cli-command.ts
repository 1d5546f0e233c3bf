import { parseArgs, type ParseArgsConfig } from "node:util";

/** Where a command prints; tests pass their own. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** The flags a command was given, typed from its `options`. */
export type CommandValues<Options extends FlagOptions> = ReturnType<
  typeof parseArgs<{
    options: Options;
    strict: true;
    allowPositionals: false;
  }>
>["values"];

/**
 * One `pg-auth-codegen <name>` subcommand, in a module of its own under
 * `generator/commands/`, listed in `generator/cli.ts`.
 */
export interface CliCommand<Options extends FlagOptions = FlagOptions> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text: usage and every flag. */
  readonly help: string;
  /**
   * The exit code when the command cannot run (a bad flag, config or
   * connection); 1 when unset. A command whose results use 1 picks
   * another, so that scripts can tell a result from an error.
   */
  readonly errorExitCode?: number;
  /** Its flags; `--help` is every command's and handled before `run`. */
  readonly options: Options;
  /** Runs with the parsed flags; resolves to the exit code. */
  run(values: CommandValues<Options>, output: CliOutput): Promise<number>;
}

/** A command, with its flags' types inferred from `options`. */
export function defineCommand<const Options extends FlagOptions>(
  command: CliCommand<Options>,
): CliCommand<Options> {
  return command;
}

/**
 * The flags after the command name, or null for `--help`. Unknown flags
 * and positional arguments throw node's `ERR_PARSE_ARGS_*` errors.
 */
export function parseCommandArgs<Options extends FlagOptions>(
  command: CliCommand<Options>,
  args: readonly string[],
): CommandValues<Options> | null {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: { ...command.options, help: { type: "boolean" } },
  });
  const { help, ...flags } = values as Record<string, unknown>;
  return help === true ? null : (flags as CommandValues<Options>);
}
