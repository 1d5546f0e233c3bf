import type { BetterAuthOptions } from "better-auth";

import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import type { SqlExecutor } from "../../runtime/sql-connection.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";
import { renderDdl } from "../ddl/render-ddl.js";
import { attributeCauses, pluginOrigins } from "./attribute-causes.js";
import {
  findSchemaMismatches,
  type SchemaMismatch,
} from "./find-schema-mismatches.js";
import { findSchemaNotes, type SchemaNote } from "./find-schema-notes.js";
import { findUnsafeAdditions } from "./find-unsafe-additions.js";
import {
  describeMigrationProblem,
  type MigrationProblem,
} from "./migration-problem.js";
import { introspectSchema } from "./introspect-schema.js";
import { planAdditions } from "./plan-additions.js";

/** How far a live database is from the schema. */
export interface DatabasePlan {
  /** Additive DDL still to apply. */
  readonly statements: readonly DdlStatement[];
  /**
   * Columns whose type or nullability differ, and extra columns that make
   * every insert fail; never altered for you.
   */
  readonly mismatches: readonly SchemaMismatch[];
  /** Pending additions that would fail on existing rows. */
  readonly problems: readonly MigrationProblem[];
  /** Worth knowing, but no reason to act: they leave the exit code alone. */
  readonly notes: readonly SchemaNote[];
  /**
   * 0 in sync, 1 when only additive DDL is pending, 2 when a person must
   * act (a mismatch, or an addition that cannot apply safely).
   */
  readonly exitCode: 0 | 1 | 2;
}

/**
 * Compares a live database with the schema: introspects the manifest's
 * tables, plans the additive DDL still needed and lists every column whose
 * type or nullability differ. It only reads; nothing is altered.
 *
 * @throws {CodegenError} when tables without a schema cannot be located.
 * @throws {DatabaseError} when the catalog cannot be read.
 */
export async function planDatabase(
  executor: SqlExecutor,
  manifest: SchemaManifest,
  options: { auth?: BetterAuthOptions | undefined } = {},
): Promise<DatabasePlan> {
  const live = await introspectSchema(executor, manifest);

  const planned = planAdditions(live, manifest);
  const statements = options.auth
    ? attributeCauses(planned, pluginOrigins(options.auth))
    : planned;
  const mismatches = findSchemaMismatches(live, manifest);
  const problems = findUnsafeAdditions(live, manifest);
  const notes = findSchemaNotes(live, manifest);

  const exitCode =
    mismatches.length > 0 || problems.length > 0
      ? 2
      : statements.length > 0
        ? 1
        : 0;
  return { statements, mismatches, problems, notes, exitCode };
}

/** The plan as the `plan` command prints it. */
export function renderDatabasePlan(plan: DatabasePlan): string {
  const sections: string[] = [];
  if (plan.exitCode === 0) sections.push("The database matches the schema.");
  if (plan.mismatches.length > 0) {
    sections.push(
      [
        "Columns that differ from the schema (plan never alters them; write a migration by hand):",
        ...plan.mismatches.map(describeMismatch),
      ].join("\n"),
    );
  }
  if (plan.problems.length > 0) {
    sections.push(
      [
        "Pending changes additive DDL cannot apply safely:",
        ...plan.problems.map(
          (problem) => `  - ${describeMigrationProblem(problem)}`,
        ),
      ].join("\n"),
    );
  }
  if (plan.statements.length > 0) {
    sections.push(
      `Additive DDL still needed (${plan.statements.length} ${plan.statements.length === 1 ? "statement" : "statements"}):\n\n${renderDdl(plan.statements).trimEnd()}`,
    );
  }
  if (plan.notes.length > 0) {
    sections.push(
      [
        "Notes (they do not change the exit code):",
        ...plan.notes.map((note) => `  - ${note.message}`),
      ].join("\n"),
    );
  }
  return `${sections.join("\n\n")}\n`;
}

function describeMismatch(mismatch: SchemaMismatch): string {
  if (mismatch.aspect === "extra column") {
    return `  - table ${mismatch.table}, column "${mismatch.column}" is not in the schema and is NOT NULL without a default, so every row Better Auth inserts fails (SQLSTATE 23502); give it a default, allow NULL, or drop it.`;
  }
  return `  - table ${mismatch.table}, column "${mismatch.column}": expected ${mismatch.expected}, actual ${mismatch.actual} (${mismatch.aspect})`;
}
