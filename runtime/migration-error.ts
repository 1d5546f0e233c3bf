/**
 * A migration run stopped. `migration` names the file that could not be
 * applied or checked (null when the journal itself is the problem); the
 * database error, if any, is kept as `cause`.
 */
export class MigrationError extends Error {
  readonly migration: string | null;

  constructor(
    message: string,
    details: { migration?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "MigrationError";
    this.migration = details.migration ?? null;
  }
}
