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

/**
 * `encodeValue` for a value an insert or an update writes to a column.
 * Beyond what `encodeValue` refuses, the value must be one the column's
 * integer type holds: Postgres refuses a fraction, `NaN`, a number past the
 * type's range or a string like `"abc"` there (22P02, 22003) with a message
 * that quotes the value. The where planner has already folded or refused
 * such values in where-clauses by the same test (`isComparable`); data has
 * no such step, so it is checked here, where the model is known.
 *
 * @throws {InvalidQueryError} naming the model, field and column type (not
 * the value) when an integer or bigint column, or an element of a bigint[]
 * column, is given anything but a whole number within the type's range (a
 * number, a string of decimal digits or a BigInt); and what `encodeValue`
 * throws.
 */
export function encodeData(
  model: string,
  column: ColumnManifest,
  value: unknown,
): unknown {
  const integerColumn = WHOLE_NUMBER_COLUMNS.get(column.pgType);
  if (
    integerColumn !== undefined &&
    value !== null &&
    value !== undefined &&
    !fitsType(column.pgType, value)
  ) {
    throw new InvalidQueryError(
      `Field "${column.field}" of model "${model}" is ${integerColumn}.`,
    );
  }
  return encodeValue(column, value);
}

/**
 * The integer types the generator emits (`number` fields, serial ids and
 * the keys that reference them, `bigint` numbers and number arrays), as the
 * refusal describes them.
 */
const WHOLE_NUMBER_COLUMNS: ReadonlyMap<string, string> = new Map([
  [
    "integer",
    "an integer column; the value is not a whole number within its range",
  ],
  [
    "bigint",
    "a bigint column; the value is not a whole number within its range",
  ],
  [
    "bigint[]",
    "a bigint[] column; the value is not an array of whole numbers within its range",
  ],
]);

function refuse(column: ColumnManifest, reason: string): never {
  throw new InvalidQueryError(
    `The value for field "${column.field}" (column "${column.column}") ${reason}, which PostgreSQL cannot store.`,
  );
}

const UUID_PATTERN =
  /^(?:\{[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}\}|[0-9a-f]{4}(?:-?[0-9a-f]{4}){7})$/i;
/** What `int4in` and `int8in` read; they skip only ASCII white space. */
const INTEGER_TEXT = /^[ \t\n\r\v\f]*[+-]?[0-9]+[ \t\n\r\v\f]*$/;
/** What `boolin` reads: a prefix of true/false/yes/no, on/off, 1 or 0. */
const BOOLEAN_TEXT =
  /^[ \t\n\r\v\f]*(?:t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|y(?:es?)?|no?|o(?:n|ff?)|[01])[ \t\n\r\v\f]*$/i;

/** The values an integer column holds, inclusive. */
export interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
  /**
   * The least and greatest JS numbers the column holds as node-postgres
   * sends them, which is as JS prints them: the shortest decimal that
   * reads back as the same double. Past 2^53 that is not the double's
   * exact value, and -2^63 prints as -9223372036854776000, past int8's
   * range; the doubles next to ±2^63 print within it. Comparing numbers
   * also spares a BigInt per value written.
   */
  readonly minNumber: number;
  readonly maxNumber: number;
}

const INT4: IntegerRange = {
  min: -(2n ** 31n),
  max: 2n ** 31n - 1n,
  minNumber: -(2 ** 31),
  maxNumber: 2 ** 31 - 1,
};
const INT8: IntegerRange = {
  min: -(2n ** 63n),
  max: 2n ** 63n - 1n,
  minNumber: -(2 ** 63 - 1024),
  maxNumber: 2 ** 63 - 1024,
};

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

/**
 * A whole number within the range, as a number, a BigInt or decimal text.
 * Not `Number.isSafeInteger`: an integer double past 2^53 is written as JS
 * prints it and a bigint column gives it back as the same double, so it is
 * accepted as data and equals itself in a where-clause.
 */
function fitsInteger(value: unknown, range: IntegerRange): boolean {
  if (typeof value === "number") {
    return (
      Number.isInteger(value) &&
      value >= range.minNumber &&
      value <= range.maxNumber
    );
  }
  let integer: bigint;
  if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    integer = BigInt(value.trim());
  } else if (typeof value === "bigint") {
    integer = value;
  } else {
    return false;
  }
  return integer <= range.max && integer >= range.min;
}
