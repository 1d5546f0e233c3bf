/**
 * Quotes one SQL identifier for PostgreSQL: wraps it in double quotes and
 * doubles any embedded double quote, so case and punctuation are preserved.
 *
 * @throws {TypeError} when the name is empty or contains a NUL byte, which
 * Postgres cannot store in an identifier.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes("\u0000")) {
    throw new TypeError(
      `"${name.replace(/\u0000/g, "\\0")}" is not a valid SQL identifier.`,
    );
  }

  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quotes a table name, qualified with its schema when there is one. The dot
 * between schema and table is never inside the quotes: `"auth.users"` would
 * name one table called `auth.users`.
 */
export function quoteTableName(schema: string | null, table: string): string {
  return schema === null
    ? quoteIdentifier(table)
    : `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
