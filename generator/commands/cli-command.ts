/** Where a command prints; tests pass their own. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

/**
 * One `pg-auth-codegen <name>` subcommand, in a module of its own under
 * `generator/commands/`, listed in `generator/cli.ts`.
 */
export interface CliCommand {
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
  /**
   * Runs with the arguments after the command name; resolves to the exit
   * code. Unknown flags are rejected by `parseArgs` with `strict: true`.
   */
  run(args: readonly string[], output: CliOutput): Promise<number>;
}
