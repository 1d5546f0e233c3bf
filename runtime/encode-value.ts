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
/** What `boolin` reads: a prefix of true/false/yes/no, on/off, 1 or 0. */
const BOOLEAN_TEXT =
  /^[ \t\n\r\v\f]*(?:t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|y(?:es?)?|no?|o(?:n|ff?)|[01])[ \t\n\r\v\f]*$/i;

/** The values an integer column holds, inclusive. */
export interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
}

const INT4: IntegerRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT8: IntegerRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** The range of an integer or bigint column; null for any other type. */
export function integerRange(column: ColumnManifest): IntegerRange | null {
  if (column.pgType === "integer") return INT4;
  if (column.pgType === "bigint") return INT8;
  return null;
}

/**
 * Whether Postgres would accept the value as a parameter compared with the
 * column. A uuid, integer, boolean or array column compared with junk (a
 * malformed token, a NaN from a non-numeric serial id, a string against an
 * array) raises 22P02 in Postgres, quoting the value, yet Better Auth
 * expects "no such row"; the where planner folds such comparisons to
 * constants, or refuses them, instead of sending them. A string against a
 * date column is left to Postgres, whose parser reads "today", "20240101"
 * and the session's DateStyle, more than any pattern here would: one it
 * cannot read still fails the statement with 22007. Problems `encodeValue`
 * names (an invalid Date, a non-finite number against a non-integer
 * column) pass here, so that it can name them.
 */
export function isComparable(column: ColumnManifest, value: unknown): boolean {
  return fitsType(column.pgType, value);
}

/** Like `isComparable`, for one element of an array column. */
export function isComparableElement(
  column: ColumnManifest,
  value: unknown,
): boolean {
  return fitsType(column.pgType.slice(0, -"[]".length), value);
}

function fitsType(pgType: string, value: unknown): boolean {
  if (pgType.endsWith("[]")) {
    return Array.isArray(value) && fitsElements(pgType, value);
  }
  switch (pgType) {
    case "uuid":
      return typeof value === "string" && UUID_PATTERN.test(value);
    case "integer":
      return fitsInteger(value, INT4);
    case "bigint":
      return fitsInteger(value, INT8);
    case "boolean":
      return (
        typeof value === "boolean" ||
        value === 0 ||
        value === 1 ||
        (typeof value === "string" && BOOLEAN_TEXT.test(value))
      );
    case "timestamptz":
      return value instanceof Date || typeof value === "string";
    case "double precision":
      // Only a number[] element; a string never equals a number there, as
      // in Better Auth's memory adapter.
      return typeof value === "number";
    default:
      return true;
  }
}

/** Each element against the element type; a nested array one level down. */
function fitsElements(pgType: string, values: readonly unknown[]): boolean {
  const elementType = pgType.slice(0, -"[]".length);
  for (const element of values) {
    if (element === null || element === undefined) continue;
    const fits = Array.isArray(element)
      ? fitsType(pgType, element)
      : fitsType(elementType, element);
    if (!fits) return false;
  }
  return true;
}

function fitsInteger(value: unknown, range: IntegerRange): boolean {
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
  return integer <= range.max && integer >= range.min;
}
