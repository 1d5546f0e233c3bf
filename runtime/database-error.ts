import { isStalePlan } from "./prepared-statements.js";

/**
 * The few errors the runtime raises for database failures. Each keeps the
 * driver's error as `cause` and its SQLSTATE as `code`; messages are whole
 * sentences and never include parameter values, which in an auth adapter are
 * tokens and email addresses.
 */
export class DatabaseError extends Error {
  /** The PostgreSQL SQLSTATE, or null when the failure came before one. */
  readonly code: string | null;
  readonly table: string | null;
  readonly constraint: string | null;
  /** The generated query's name or the operation that failed. */
  readonly queryName: string | null;

  constructor(
    message: string,
    details: {
      cause: unknown;
      code?: string | null;
      table?: string | null;
      constraint?: string | null;
      queryName?: string | null;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code ?? null;
    this.table = details.table ?? null;
    this.constraint = details.constraint ?? null;
    this.queryName = details.queryName ?? null;
  }
}

/** 23505: a row with the same unique value exists. */
export class UniqueViolationError extends DatabaseError {}
/** 23503: a referenced row is missing, or a referencing row still exists. */
export class ForeignKeyViolationError extends DatabaseError {}
/** 23502: a required column was given no value. */
export class NotNullViolationError extends DatabaseError {}
/** 40001 / 40P01: the transaction lost a race and may be retried. */
export class SerializationError extends DatabaseError {}
/** 57014 or a driver timeout: the statement took too long. */
export class QueryTimeoutError extends DatabaseError {}
/** The connection was refused, lost or closed. */
export class ConnectionError extends DatabaseError {}

interface DriverError {
  code?: unknown;
  table?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57P01",
  "57P02",
  "57P03",
]);

/**
 * Translates an error thrown by `pg` into one of the typed errors above; it
 * is the only place that reads SQLSTATE codes. A driver error with a SQLSTATE
 * becomes at least a `DatabaseError`; any other error passes through.
 */
export function translateDatabaseError(
  error: unknown,
  queryName: string | null = null,
): Error {
  if (error instanceof DatabaseError) return error;

  const driver = (error ?? {}) as DriverError;
  const code = typeof driver.code === "string" ? driver.code : null;
  hideValues(driver);
  if (code?.startsWith("22")) redactQuotedValues(driver);
  const details = {
    cause: error,
    code,
    table: typeof driver.table === "string" ? driver.table : null,
    constraint:
      typeof driver.constraint === "string" ? driver.constraint : null,
    queryName,
  };
  const where = describeWhere(details.table, details.constraint, queryName);

  switch (code) {
    case "23505":
      return new UniqueViolationError(
        `A row with the same unique value already exists${where}.`,
        details,
      );
    case "23503":
      return new ForeignKeyViolationError(
        `The change violates a foreign key${where}.`,
        details,
      );
    case "23502":
      return new NotNullViolationError(
        `A required column was given no value${where}.`,
        details,
      );
    case "40001":
    case "40P01":
      return new SerializationError(
        `The transaction conflicted with a concurrent one and was rolled back${where}.`,
        details,
      );
    case "57014":
      return new QueryTimeoutError(
        `The statement was cancelled because it took too long${where}.`,
        details,
      );
    case "0A000":
      if (!isStalePlan(error)) break;
      return new DatabaseError(
        `A column changed type under a prepared statement${where}, as an ALTER COLUMN ... TYPE run while the app is up does; every statement is prepared again on its next call, so retry the transaction.`,
        details,
      );
    case "26000":
    case "42P05":
      return new DatabaseError(
        `A prepared statement was missing or already present on the server connection${where}: a pooler in transaction mode (PgBouncer before 1.21, or without max_prepared_statements) sits between the app and PostgreSQL. Set preparedStatements to "auto" or false.`,
        details,
      );
  }

  if (code !== null && CONNECTION_CODES.has(code)) {
    return new ConnectionError(
      `The database connection failed (${code})${where}.`,
      details,
    );
  }
  if (isConnectionMessage(driver.message)) {
    return new ConnectionError(
      `The database connection was closed or timed out${where}.`,
      details,
    );
  }
  if (code !== null && /^[0-9A-Z]{5}$/.test(code)) {
    return new DatabaseError(
      `PostgreSQL rejected the statement with SQLSTATE ${code}${where}.`,
      details,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * PostgreSQL's `detail` (and `where`, for errors inside functions) quote the
 * offending values: `Key (email)=(ada@example.com) already exists`. Loggers
 * print a cause's enumerable fields, and Better Auth logs whole errors, so
 * these stay readable on the cause but are no longer enumerable.
 */
function hideValues(driver: DriverError): void {
  if (typeof driver !== "object" || driver === null) return;
  for (const field of ["detail", "where"] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(driver, field);
    if (descriptor?.enumerable && descriptor.configurable !== false) {
      Object.defineProperty(driver, field, {
        ...descriptor,
        enumerable: false,
      });
    }
  }
}

/**
 * A data exception's message quotes the value PostgreSQL could not read:
 * `invalid input syntax for type uuid: "ada@example.com"`, `value
 * "99999999999" is out of range for type integer`. PostgreSQL prints the
 * value as it is, quotes inside it included, so everything from the first
 * quote to the last is replaced: the message and the stack (whose first
 * line repeats it) keep their words, and a logged cause names the type but
 * not the value.
 */
function redactQuotedValues(driver: DriverError & { stack?: unknown }): void {
  if (typeof driver.message !== "string") return;
  const original = driver.message;
  const redacted = original.replace(/"[\s\S]*"/, '"…"');
  if (redacted === original) return;
  driver.message = redacted;
  if (typeof driver.stack === "string") {
    driver.stack = driver.stack.replace(original, redacted);
  }
}

function describeWhere(
  table: string | null,
  constraint: string | null,
  queryName: string | null,
): string {
  const parts: string[] = [];
  if (table !== null) parts.push(`table "${table}"`);
  if (constraint !== null) parts.push(`constraint "${constraint}"`);
  if (queryName !== null) parts.push(`query "${queryName}"`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function isConnectionMessage(message: unknown): boolean {
  return (
    typeof message === "string" &&
    /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed/i.test(
      message,
    )
  );
}
