import { expect } from "vitest";

import type { FlowResponse } from "./browser.js";

/**
 * The statements (BEGIN and COMMIT included) each request sends with this
 * repository's config, the generated adapter and the SQL rate-limit store:
 * `[advanced.database.joins off, on]`. Off is Better Auth's default; the
 * config turns it on. Better Auth asks for joins only when it is on;
 * otherwise it reads the joined model with a second statement. The README's "Statements per flow" table is rendered
 * from this list and a test keeps the two equal.
 */
export const STATEMENTS_PER_REQUEST = {
  "sign up with email and password": [8, 8],
  "get the session from the cookie": [4, 3],
  "sign in with email and password": [5, 4],
  "sign in with a wrong password": [3, 2],
  "list sessions": [4, 3],
  "revoke another session": [7, 5],
  "sign out": [6, 5],
  "request a password reset": [4, 3],
  "reset the password with the emailed token": [9, 9],
  "request an email change": [4, 3],
  "verify the new email address": [5, 4],
  "enable two-factor (password check)": [6, 5],
  "verify the first TOTP code": [10, 9],
  "sign in when two-factor is on": [10, 9],
  "complete sign-in with a TOTP code": [19, 19],
  "create an organization": [18, 17],
  "invite a member": [10, 8],
  "accept the invitation": [11, 10],
  "create an API key": [5, 4],
  "verify an API key (server call)": [3, 3],
} as const satisfies Record<string, readonly [number, number]>;

export type FlowStep = keyof typeof STATEMENTS_PER_REQUEST;

/** Which column of the table a flow run checks. */
export type JoinMode = "default" | "joins";

const measured = new Map<string, string[]>();

/** The statements each step sent in this run, keyed by mode and step. */
export function measuredStatements(): ReadonlyMap<string, string[]> {
  return measured;
}

/** Asserts that `step` sent exactly the statements the table lists. */
export function expectStatements(
  mode: JoinMode,
  step: FlowStep,
  statements: FlowResponse["statements"],
): void {
  measured.set(`${step} (${mode})`, statements);
  const [withoutJoins, withJoins] = STATEMENTS_PER_REQUEST[step];
  expect(statements, `statements of "${step}" (${mode})`).toHaveLength(
    mode === "joins" ? withJoins : withoutJoins,
  );
}

/** The README table of statements per request. */
export function renderStatementTable(): string {
  const rows = Object.entries(STATEMENTS_PER_REQUEST).map(
    ([step, [withoutJoins, withJoins]]) =>
      `| ${step} | ${withoutJoins} | ${withJoins} |`,
  );
  return [
    "| request | joins off (Better Auth's default) | joins on (this repository's config) |",
    "| --- | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** A one-line summary of a statement, for reading a flow's trace. */
export function summarizeStatement(sql: string): string {
  const text = sql.replace(/\s+/g, " ").trim();
  if (text.includes('INSERT INTO "rateLimit"')) return "rate-limit consume";
  const write = /^(INSERT INTO|UPDATE|DELETE FROM) ("[^"]+")/.exec(text);
  if (write !== null) {
    const where = / WHERE (.*?)( RETURNING|$)/.exec(text)?.[1];
    return `${write[1]} ${write[2]}${where === undefined ? "" : ` WHERE ${where}`}`;
  }
  const from = / FROM ("[^"]+")(.*?)(?: WHERE (.*))?$/.exec(text);
  if (text.startsWith("SELECT") && from !== null) {
    const joins = from[2]!.match(/JOIN "[^"]+"/g)?.join(" ") ?? "";
    return `SELECT FROM ${from[1]}${joins === "" ? "" : ` ${joins}`} WHERE ${from[3] ?? ""}`;
  }
  return text.slice(0, 100);
}
