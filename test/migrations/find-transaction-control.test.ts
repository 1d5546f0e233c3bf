import { describe, expect, it } from "vitest";

import { findTransactionControl } from "../../runtime/find-transaction-control.js";

describe("findTransactionControl", () => {
  it("finds a COMMIT between two statements, with its line", () => {
    const sql = [
      `ALTER TABLE "user" ADD COLUMN "fu_x" text;`,
      `COMMIT;`,
      `ALTER TABLE "user" ADD COLUMN "fu_y" text; SELECT 1/0;`,
    ].join("\n");

    expect(findTransactionControl(sql)).toEqual({
      keyword: "COMMIT",
      line: 2,
      refusesTransaction: false,
    });
  });

  it.each([
    ["BEGIN;", "BEGIN"],
    ["begin work;", "BEGIN"],
    ["START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", "START TRANSACTION"],
    ["End;", "END"],
    ["ROLLBACK;", "ROLLBACK"],
    ["ABORT;", "ABORT"],
    ["SAVEPOINT before_backfill;", "SAVEPOINT"],
    ["RELEASE SAVEPOINT before_backfill;", "RELEASE"],
    ["PREPARE TRANSACTION 'x';", "PREPARE TRANSACTION"],
    ["COMMIT PREPARED 'x';", "COMMIT PREPARED"],
    ["ROLLBACK PREPARED 'x';", "ROLLBACK PREPARED"],
    ["SELECT 1;\n  /* leading comment */ commit", "COMMIT"],
  ])("finds %j as %s", (sql, keyword) => {
    expect(findTransactionControl(sql)).toMatchObject({
      keyword,
      refusesTransaction: false,
    });
  });

  it.each([
    [
      `CREATE UNIQUE INDEX CONCURRENTLY "user_name_idx" ON "user" ("name");`,
      "CREATE INDEX CONCURRENTLY",
    ],
    [`DROP INDEX CONCURRENTLY "user_name_idx";`, "DROP INDEX CONCURRENTLY"],
    [`REINDEX TABLE CONCURRENTLY "user";`, "REINDEX CONCURRENTLY"],
    [`VACUUM ANALYZE "user";`, "VACUUM"],
  ])("finds %j, which refuses a transaction, as %s", (sql, keyword) => {
    expect(findTransactionControl(sql)).toEqual({
      keyword,
      line: 1,
      refusesTransaction: true,
    });
  });

  it("ignores COMMIT in line comments and nested block comments", () => {
    const sql = [
      "-- COMMIT;",
      "/* outer /* COMMIT; */ still a comment; COMMIT; */",
      "SELECT 1;",
    ].join("\n");

    expect(findTransactionControl(sql)).toBeNull();
  });

  it("ignores COMMIT in strings with doubled quotes and backslash escapes", () => {
    const sql = [
      `SELECT 'it''s; COMMIT;';`,
      `SELECT E'it\\'s; COMMIT; \\\\';`,
      `SELECT e'\\''; SELECT ';COMMIT;';`,
    ].join("\n");

    expect(findTransactionControl(sql)).toBeNull();
  });

  it("ignores COMMIT in quoted identifiers", () => {
    const sql = `CREATE TABLE "x;commit" ("end" text, "a""; COMMIT" int);`;

    expect(findTransactionControl(sql)).toBeNull();
  });

  it("ignores transaction control in dollar-quoted function bodies", () => {
    const sql = [
      "CREATE PROCEDURE batch() LANGUAGE plpgsql AS $$",
      "BEGIN",
      "  COMMIT;",
      "END $$;",
      "DO $body$ BEGIN PERFORM $x$; COMMIT; $x$; END $body$;",
    ].join("\n");

    expect(findTransactionControl(sql)).toBeNull();
  });

  it("ignores the statements of a BEGIN ATOMIC function body", () => {
    const sql = [
      "CREATE OR REPLACE FUNCTION one() RETURNS int LANGUAGE sql",
      "BEGIN ATOMIC",
      "  SELECT CASE WHEN true THEN 1 END;",
      "END;",
      "SELECT one();",
    ].join("\n");

    expect(findTransactionControl(sql)).toBeNull();
  });

  it("still finds COMMIT after a column named begin", () => {
    const sql = `CREATE TABLE t (begin int);\nCOMMIT;`;

    expect(findTransactionControl(sql)).toMatchObject({
      keyword: "COMMIT",
      line: 2,
    });
  });

  it("reads $ inside identifiers and in parameters as no dollar quote", () => {
    const sql = `SELECT a$b$ FROM t WHERE x = $1;\nCOMMIT;\nSELECT c$b$ FROM t;`;

    expect(findTransactionControl(sql)).toMatchObject({ keyword: "COMMIT" });
  });

  it("lets keywords that only start names pass", () => {
    const sql = [
      `ALTER TABLE "user" ADD COLUMN commit_sha text;`,
      `UPDATE "user" SET "ended" = true WHERE "name" = 'BEGIN';`,
      `PREPARE find_user AS SELECT 1;`,
      `CREATE INDEX "user_name_idx" ON "user" ("name");`,
    ].join("\n");

    expect(findTransactionControl(sql)).toBeNull();
  });
});
