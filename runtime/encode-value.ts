import { InvalidQueryError } from "./invalid-query-error.js";
import type { ColumnManifest } from "./schema-manifest.js";

/**
 * Prepares a JS value for binding to a column. node-postgres serialises
 * arrays as Postgres array literals (quoting every element, so commas,
 * braces, quotes and the string "NULL" survive) and objects as JSON; a
 * jsonb column therefore needs explicit JSON text, or a JS array would be
 * sent as an array literal and a JS string as bare text, both invalid JSON.
 *
 * @throws {InvalidQueryError} naming the field (never the value) for values
 * Postgres would reject with a bare SQLSTATE: a NUL character in text, an
 * invalid Date, a non-finite number, JSON that cannot be serialised.
 */
export function encodeValue(column: ColumnManifest, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === "json") return encodeJson(column, value);
  checkStorable(column, value);
  return value;
}

/** The reasons Postgres refuses a value, found before it is sent. */
function checkStorable(column: ColumnManifest, value: unknown): void {
  if (typeof value === "string") {
    // PostgreSQL text cannot hold U+0000 (22021), whatever the encoding.
    if (value.includes("\u0000")) refuse(column, "contains a NUL character");
  } else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) refuse(column, "is an invalid Date");
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) refuse(column, "is not a finite number");
  } else if (Array.isArray(value)) {
    for (const element of value) {
      if (element !== null && element !== undefined) {
        checkStorable(column, element);
      }
    }
  }
}

/** `\u0000` in JSON text, unless its backslash is itself escaped. */
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

function encodeJson(column: ColumnManifest, value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    refuse(column, "cannot be serialised as JSON (a cycle or a BigInt)");
  }
  // jsonb refuses the escaped NUL as well (22P05).
  if (ESCAPED_NUL.test(text)) refuse(column, "contains a NUL character");
  return text;
}

function refuse(column: ColumnManifest, reason: string): never {
  throw new InvalidQueryError(
    `The value for field "${column.field}" (column "${column.column}") ${reason}, which PostgreSQL cannot store.`,
  );
}

const UUID_PATTERN =
  /^(?:\{[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}\}|[0-9a-f]{4}(?:-?[0-9a-f]{4}){7})$/i;
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const INT4_MAX = 2n ** 31n - 1n;
const INT8_MAX = 2n ** 63n - 1n;

/**
 * Whether Postgres would accept the value for an equality test on the
 * column. A uuid or integer column compared with junk (a malformed token, a
 * NaN from a non-numeric serial id) raises 22P02 in Postgres, yet Better
 * Auth expects "no such row"; the where planner folds such comparisons to
 * constants instead of sending them.
 */
export function isComparable(column: ColumnManifest, value: unknown): boolean {
  switch (column.pgType) {
    case "uuid":
      return typeof value === "string" && UUID_PATTERN.test(value);
    case "integer":
      return fitsInteger(value, INT4_MAX);
    case "bigint":
      return fitsInteger(value, INT8_MAX);
    default:
      return true;
  }
}

function fitsInteger(value: unknown, max: bigint): boolean {
  let integer: bigint;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return false;
    integer = BigInt(value);
  } else if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    integer = BigInt(value.trim());
  } else if (typeof value === "bigint") {
    integer = value;
  } else {
    return false;
  }
  return integer <= max && integer >= -max - 1n;
}
