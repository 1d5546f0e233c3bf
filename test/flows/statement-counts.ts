import { expect } from "vitest";

import type { FlowResponse } from "./browser.js";

/**
 * The statements (BEGIN and COMMIT included) each request sends with this
 * repository's config, the generated adapter and the SQL rate-limit store.
 * The README's "Statements per flow" table is rendered from this list and
 * a test keeps the two equal.
 */
export const STATEMENTS_PER_REQUEST = {
  "sign up with email and password": 8,
  "get the session from the cookie": 4,
  "sign in with email and password": 5,
  "sign in with a wrong password": 3,
  "list sessions": 4,
  "revoke another session": 7,
  "sign out": 6,
  "request a password reset": 4,
  "reset the password with the emailed token": 9,
  "request an email change": 4,
  "verify the new email address": 5,
  "enable two-factor (password check)": 6,
  "verify the first TOTP code": 10,
  "sign in when two-factor is on": 10,
  "complete sign-in with a TOTP code": 19,
  "create an organization": 18,
  "invite a member": 10,
  "accept the invitation": 11,
  "create an API key": 5,
  "verify an API key (server call)": 3,
} as const;

export type FlowStep = keyof typeof STATEMENTS_PER_REQUEST;

const measured = new Map<FlowStep, string[]>();

/** The statements each step sent in this run, for reports. */
export function measuredStatements(): ReadonlyMap<FlowStep, string[]> {
  return measured;
}

/** Asserts that `step` sent exactly the statements the table lists. */
export function expectStatements(
  step: FlowStep,
  statements: FlowResponse["statements"],
): void {
  measured.set(step, statements);
  expect(statements, `statements of "${step}"`).toHaveLength(
    STATEMENTS_PER_REQUEST[step],
  );
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
