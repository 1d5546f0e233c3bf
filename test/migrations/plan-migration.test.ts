import type { BetterAuthOptions } from "better-auth";
import { describe, expect, it } from "vitest";

import type { DdlStatement } from "../../generator/ddl/ddl-statement.js";
import { planMigration } from "../../generator/migrations/plan-migration.js";
import { resolveSchema } from "../../generator/schema/resolve-schema.js";

/** Each statement as `kind target`, the shape the before/after tests pin. */
function summarize(statements: readonly DdlStatement[]): string[] {
  return statements.map((statement) => {
    switch (statement.kind) {
      case "createSchema":
        return `createSchema ${statement.schema}`;
      case "createTable":
        return `createTable ${statement.table.qualifiedName}`;
      case "addColumn":
        return `addColumn ${statement.table.qualifiedName}.${statement.column.column}`;
      case "createIndex":
        return `createIndex ${statement.index.name}`;
      case "addForeignKey":
        return `addForeignKey ${statement.table.qualifiedName}.${statement.column.column}`;
      case "addCheck":
        return `addCheck ${statement.check.name}`;
    }
  });
}

function plan(before: BetterAuthOptions, after: BetterAuthOptions) {
  return planMigration(
    resolveSchema({ auth: before }),
    resolveSchema({ auth: after }),
  );
}

describe("planMigration", () => {
  it("plans nothing when the options are unchanged", () => {
    const options = { rateLimit: { storage: "database" as const } };

    expect(plan(options, options)).toEqual({ statements: [], problems: [] });
  });

  it("adds a nullable column and its index to an existing table", () => {
    const result = plan(
      {},
      {
        user: {
          additionalFields: {
            handle: { type: "string", required: false, unique: true },
          },
        },
      },
    );

    expect(summarize(result.statements)).toEqual([
      'addColumn "user".handle',
      "createIndex user_handle_key",
    ]);
    expect(result.problems).toEqual([]);
  });

  it("creates a new table with its foreign keys and indexes", () => {
    const result = plan({}, { rateLimit: { storage: "database" } });

    expect(summarize(result.statements)).toEqual([
      'createTable "rateLimit"',
      "createIndex rateLimit_key_key",
      "createIndex rateLimit_lastRequest_idx",
    ]);
  });

  it("adds a required column that has a default", () => {
    const result = plan(
      {},
      {
        user: {
          additionalFields: {
            plan: { type: "string", required: true, defaultValue: "free" },
          },
        },
      },
    );

    expect(summarize(result.statements)).toEqual(['addColumn "user".plan']);
    expect(result.problems).toEqual([]);
  });

  it("refuses a removed field", () => {
    const result = plan(
      { user: { additionalFields: { nickname: { type: "string" } } } },
      {},
    );

    expect(result.problems).toEqual([
      { kind: "removedColumn", table: '"user"', column: "nickname" },
    ]);
  });

  it("refuses a removed table", () => {
    const result = plan({ rateLimit: { storage: "database" } }, {});

    expect(result.problems).toEqual([
      { kind: "removedTable", table: '"rateLimit"' },
    ]);
  });

  it("refuses a changed type and a tightened nullability", () => {
    const result = plan(
      {
        user: {
          additionalFields: { age: { type: "string", required: false } },
        },
      },
      {
        user: {
          additionalFields: {
            age: { type: "number", required: true, defaultValue: 0 },
          },
        },
      },
    );

    expect(result.problems).toEqual([
      {
        kind: "changedType",
        table: '"user"',
        column: "age",
        before: "text",
        after: "integer",
      },
      { kind: "tightenedNullability", table: '"user"', column: "age" },
      {
        kind: "changedDefault",
        table: '"user"',
        column: "age",
        before: null,
        after: "0",
      },
    ]);
  });

  it("refuses switching the id strategy, naming every key column", () => {
    const result = plan(
      {},
      { advanced: { database: { generateId: "serial" } } },
    );

    expect(
      result.problems
        .filter((problem) => problem.kind === "changedType")
        .map(
          (problem) =>
            `${problem.table}.${"column" in problem ? problem.column : ""}`,
        ),
    ).toEqual([
      '"user".id',
      '"session".id',
      '"session".userId',
      '"account".id',
      '"account".userId',
      '"verification".id',
    ]);
  });

  it("refuses a new unique index over existing columns", () => {
    const result = plan(
      {},
      {
        plugins: [
          {
            id: "unique-name",
            schema: {
              user: { fields: { name: { type: "string", unique: true } } },
            },
          },
        ],
      },
    );

    expect(result.problems).toEqual([
      {
        kind: "tightenedUnique",
        table: '"user"',
        columns: ["name"],
        index: "user_name_key",
      },
    ]);
  });

  it("lets a table leave migrations without calling it removed", () => {
    const auditLog = (disableMigration: boolean) => ({
      plugins: [
        {
          id: "audit",
          schema: {
            auditLog: {
              fields: { note: { type: "string" as const } },
              disableMigration,
            },
          },
        },
      ],
    });
    const after = resolveSchema({ auth: auditLog(true) });

    expect(after.tables.at(-1)).toMatchObject({
      model: "auditLog",
      disableMigrations: true,
    });
    expect(
      planMigration(resolveSchema({ auth: auditLog(false) }), after),
    ).toEqual({ statements: [], problems: [] });
  });
});
