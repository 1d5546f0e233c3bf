/** A statement a migration file must not hold, and where it starts. */
export interface TransactionControl {
  /** The statement's leading keywords: `COMMIT`, `START TRANSACTION`... */
  readonly keyword: string;
  /** 1-based line of the statement's first keyword. */
  readonly line: number;
  /**
   * True for a statement PostgreSQL refuses inside a transaction (VACUUM,
   * CREATE INDEX CONCURRENTLY); false for one that begins, ends or splits
   * a transaction.
   */
  readonly refusesTransaction: boolean;
}

/** A keyword outside comments, strings and quoted bodies; `start` indexes it. */
interface Word {
  readonly text: string;
  readonly start: number;
}

/** Leading keywords that begin, end or split a transaction. */
const CONTROL = new Set([
  "BEGIN",
  "COMMIT",
  "END",
  "ROLLBACK",
  "ABORT",
  "SAVEPOINT",
  "RELEASE",
]);

/** Statements whose CONCURRENTLY form refuses a transaction block. */
const CONCURRENT = new Map([
  ["CREATE", "CREATE INDEX CONCURRENTLY"],
  ["DROP", "DROP INDEX CONCURRENTLY"],
  ["REINDEX", "REINDEX CONCURRENTLY"],
]);

/**
 * The first top-level statement of a migration file that would begin, end
 * or split the runner's transaction, or that cannot run inside one; null
 * when there is none. Only each statement's leading keywords count, and
 * text PostgreSQL does not read as statements is skipped: `--` and nested
 * `/* *\/` comments, single-quoted strings (`''`, and backslash escapes in
 * `E''`), quoted identifiers, dollar-quoted bodies (`$tag$...$tag$`), and
 * the statements of a `BEGIN ATOMIC` function body.
 *
 * Strings are read as `standard_conforming_strings = on` (the default
 * since PostgreSQL 9.1) has them; on a connection where it is off, `\'`
 * inside a plain string can hide a statement from this check, which is why
 * the runner also checks its transaction is still open after each file.
 */
export function findTransactionControl(sql: string): TransactionControl | null {
  for (const statement of splitStatements(sql)) {
    const found = classify(statement);
    if (found !== null) {
      return {
        ...found,
        line: lineAt(sql, statement[0]!.start),
      };
    }
  }
  return null;
}

function classify(
  words: readonly Word[],
): Omit<TransactionControl, "line"> | null {
  const [first, second] = words.map((word) => word.text);
  if (first === "START" && second === "TRANSACTION") {
    return { keyword: "START TRANSACTION", refusesTransaction: false };
  }
  if (first === "PREPARE" && second === "TRANSACTION") {
    return { keyword: "PREPARE TRANSACTION", refusesTransaction: false };
  }
  if ((first === "COMMIT" || first === "ROLLBACK") && second === "PREPARED") {
    return { keyword: `${first} PREPARED`, refusesTransaction: false };
  }
  if (first !== undefined && CONTROL.has(first)) {
    return { keyword: first, refusesTransaction: false };
  }
  if (first === "VACUUM") {
    return { keyword: "VACUUM", refusesTransaction: true };
  }

  const concurrent = CONCURRENT.get(first ?? "");
  if (
    concurrent !== undefined &&
    words.some((word) => word.text === "CONCURRENTLY")
  ) {
    return { keyword: concurrent, refusesTransaction: true };
  }
  return null;
}

/** The top-level words of each statement; empty statements are left out. */
function splitStatements(sql: string): Word[][] {
  const statements: Word[][] = [];
  let words: Word[] = [];
  let atomicDepth = 0;

  for (const token of tokens(sql)) {
    if (token.text === ";") {
      if (atomicDepth > 0) continue;
      if (words.length > 0) statements.push(words);
      words = [];
      continue;
    }

    atomicDepth = trackAtomicBody(words, token, atomicDepth);
    words.push(token);
  }
  if (words.length > 0) statements.push(words);
  return statements;
}

/**
 * A SQL-standard function body (`CREATE FUNCTION ... BEGIN ATOMIC ...
 * END`) holds statements and semicolons of its own; its CASE ... END pairs
 * nest. Only a CREATE [OR REPLACE] FUNCTION or PROCEDURE opens one, so a
 * column named `begin` does not.
 */
function trackAtomicBody(
  words: readonly Word[],
  token: Word,
  depth: number,
): number {
  if (depth > 0) {
    if (token.text === "CASE") return depth + 1;
    if (token.text === "END") return depth - 1;
    return depth;
  }

  const previous = words.at(-1)?.text;
  if (token.text === "ATOMIC" && previous === "BEGIN" && isRoutine(words)) {
    return 1;
  }
  return 0;
}

function isRoutine(words: readonly Word[]): boolean {
  const texts = words.slice(0, 4).map((word) => word.text);
  if (texts[0] !== "CREATE") return false;
  const kind = texts[1] === "OR" ? texts[3] : texts[1];
  return kind === "FUNCTION" || kind === "PROCEDURE";
}

const IDENTIFIER_START = /[A-Za-z_\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Upper-cased words and `;` separators, in order. A quoted identifier
 * becomes the word `"` so that it still counts as a statement's first word.
 */
function* tokens(sql: string): Generator<Word> {
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];

    if (char === "-" && next === "-") {
      index = skipLineComment(sql, index);
    } else if (char === "/" && next === "*") {
      index = skipBlockComment(sql, index);
    } else if (char === "'") {
      index = skipString(sql, index, false);
    } else if (char === '"') {
      yield { text: '"', start: index };
      index = skipQuoted(sql, index, '"');
    } else if (char === "$") {
      index = skipDollar(sql, index);
    } else if (char === ";") {
      yield { text: ";", start: index };
      index += 1;
    } else if (IDENTIFIER_START.test(char)) {
      let end = index + 1;
      while (end < sql.length && IDENTIFIER_PART.test(sql[end]!)) end += 1;
      const text = sql.slice(index, end).toUpperCase();
      if (text === "E" && sql[end] === "'") {
        index = skipString(sql, end, true);
      } else {
        yield { text, start: index };
        index = end;
      }
    } else {
      index += 1;
    }
  }
}

function skipLineComment(sql: string, start: number): number {
  const end = sql.indexOf("\n", start);
  return end === -1 ? sql.length : end + 1;
}

/** PostgreSQL block comments nest, unlike the SQL standard's. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < sql.length) {
    if (sql.startsWith("/*", index)) {
      depth += 1;
      index += 2;
    } else if (sql.startsWith("*/", index)) {
      depth -= 1;
      index += 2;
      if (depth === 0) return index;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

/** `''` is a quote inside any string; `\` escapes only in an `E''` one. */
function skipString(sql: string, start: number, escapes: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index]!;
    if (escapes && char === "\\") {
      index += 2;
    } else if (char === "'") {
      if (sql[index + 1] !== "'") return index + 1;
      index += 2;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] !== quote) return index + 1;
      index += 2;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

/**
 * `$tag$...$tag$` skips to the same tag; a `$` that opens no tag (a `$1`
 * parameter) is one character. A `$` inside an identifier never gets here:
 * the identifier reader takes it.
 */
function skipDollar(sql: string, start: number): number {
  DOLLAR_TAG.lastIndex = start;
  const tag = DOLLAR_TAG.exec(sql)?.[0];
  if (tag === undefined) return start + 1;

  const end = sql.indexOf(tag, start + tag.length);
  return end === -1 ? sql.length : end + tag.length;
}

function lineAt(sql: string, index: number): number {
  let line = 1;
  for (let position = 0; position < index; position++) {
    if (sql[position] === "\n") line += 1;
  }
  return line;
}
