import type { SchemaManifest } from "../../runtime/schema-manifest.js";
import type { DdlStatement } from "../ddl/ddl-statement.js";
import { findSnapshotConflicts } from "./find-snapshot-conflicts.js";
import { findUnsafeAdditions } from "./find-unsafe-additions.js";
import type { MigrationProblem } from "./migration-problem.js";
import { planAdditions } from "./plan-additions.js";
import { physicalSchemaOf, type PhysicalSchema } from "./physical-schema.js";

/** What it takes to go from the last migrated schema to the desired one. */
export interface MigrationPlan {
  /** Additive DDL, in the order it must run. */
  readonly statements: readonly DdlStatement[];
  /** Changes additive DDL cannot make safely; the plan is unusable if any. */
  readonly problems: readonly MigrationProblem[];
}

const EMPTY_SCHEMA: PhysicalSchema = { tables: new Map() };

/**
 * Plans the migration from `previous` (the committed snapshot, or null before
 * the first migration) to `next`, without a database: the additive
 * statements, and every change they cannot express safely.
 */
export function planMigration(
  previous: SchemaManifest | null,
  next: SchemaManifest,
): MigrationPlan {
  const current = previous === null ? EMPTY_SCHEMA : physicalSchemaOf(previous);

  return {
    statements: planAdditions(current, next),
    problems: [
      ...(previous === null ? [] : findSnapshotConflicts(previous, next)),
      ...findUnsafeAdditions(current, next),
    ],
  };
}

/**
 * The statements left once a hand-written migration has made the refused
 * changes (`--accept-migration`): additions of a refused column, and its
 * foreign key, and of a refused unique index, are that migration's job,
 * and running them again would fail on objects it already created.
 */
export function withoutRefusedStatements(plan: MigrationPlan): DdlStatement[] {
  const columns = new Set<string>();
  const indexes = new Set<string>();
  for (const problem of plan.problems) {
    if ("column" in problem) columns.add(`${problem.table}.${problem.column}`);
    if ("index" in problem) indexes.add(`${problem.table}.${problem.index}`);
  }

  return plan.statements.filter((statement) => {
    switch (statement.kind) {
      case "addColumn":
      case "addForeignKey":
        return !columns.has(
          `${statement.table.qualifiedName}.${statement.column.column}`,
        );
      case "createIndex":
        return (
          !indexes.has(
            `${statement.table.qualifiedName}.${statement.index.name}`,
          ) &&
          !statement.index.columns.some((column) =>
            columns.has(`${statement.table.qualifiedName}.${column}`),
          )
        );
      default:
        return true;
    }
  });
}
