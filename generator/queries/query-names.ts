import { camelCase } from "camel-case";
import { pascalCase } from "pascal-case";

/**
 * Names of queries, parameters and SQL files. Query names go through the
 * same `camel-case` package pgtyped uses for its exports (it is pgtyped's own
 * dependency), so the name written in `/* @name *\/` is exactly the name
 * exported from the generated module: `credentialID` becomes `CredentialId`
 * in both places.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `find user by email` → `findUserByEmail`, as pgtyped would export it. */
export function queryName(words: readonly string[]): string {
  return camelCase(words.join(" "));
}

/** The interface prefix pgtyped derives from a query name. */
export function queryTypeName(name: string): string {
  return pascalCase(name);
}

/** Better Auth model keys are singular; `jwks` already ends in `s`. */
export function pluralModel(model: string): string {
  return model.endsWith("s") ? model : `${model}s`;
}

/**
 * A pgtyped parameter name for a field key. Field keys are usually already
 * identifiers (`emailVerified`, `is_2fa_enabled`) and are kept as they are,
 * which keeps distinct keys distinct; others are camel-cased.
 */
export function paramName(field: string): string {
  if (IDENTIFIER.test(field)) return field;
  const name = camelCase(field);
  return IDENTIFIER.test(name) ? name : `_${name}`;
}

/** `teamMember` → `team-member`, the base name of its SQL and TS files. */
export function modelFileBase(model: string): string {
  return model
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}
