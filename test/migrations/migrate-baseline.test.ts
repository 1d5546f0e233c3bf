import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  inject,
  it,
} from "vitest";

import { runCli } from "../../generator/cli.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const LONG = 180_000;
const AUTH: BetterAuthOptions = { emailAndPassword: { enabled: true } };

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    log: (line) => out.push(line),
    error: (line) => err.push(line),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let workDir: string;
let configPath: string;
let database: TestDatabase | undefined;

beforeAll(async () => {
  await mkdir(join(ROOT, ".tmp"), { recursive: true });
  workDir = await mkdtemp(join(ROOT, ".tmp", "migrate-baseline-"));
  configPath = join(workDir, "config.ts");
  await writeFile(
    configPath,
    `export default { auth: ${JSON.stringify(AUTH)} };\n`,
  );
  const generated = await cli(
    "generate",
    "--config",
    configPath,
    "--database-url",
    inject("postgresUrl"),
  );
  expect(generated.code).toBe(0);
}, LONG);

afterEach(async () => {
  await database?.drop();
  database = undefined;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A database whose tables Better Auth's own migrator created. */
async function betterAuthDatabase(label: string): Promise<TestDatabase> {
  database = await createTestDatabase(label);
  const { runMigrations } = await getMigrations({
    ...AUTH,
    database: database.pool,
  });
  await runMigrations();
  return database;
}

const migrate = (db: TestDatabase, ...flags: string[]) =>
  cli("migrate", "--config", configPath, "--database-url", db.url, ...flags);

async function journal(db: TestDatabase) {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT "name" FROM pg_auth_codegen_migrations ORDER BY "name"`,
  );
  return rows.map((row) => row.name);
}

async function journalExists(db: TestDatabase): Promise<boolean> {
  const { rows } = await db.pool.query(
    "SELECT pg_catalog.to_regclass('pg_auth_codegen_migrations') IS NOT NULL AS found",
  );
  return rows[0].found;
}

describe("migrate --baseline", () => {
  it(
    "adopts a database Better Auth migrated itself, recording the files without running them",
    async () => {
      const db = await betterAuthDatabase("baseline_adopt");

      const plain = await migrate(db);
      const baselined = await migrate(db, "--baseline");
      const again = await migrate(db);

      expect(plain.code).toBe(1);
      expect(plain.err).toContain('relation "user" already exists');
      expect(plain.err).toContain("adopt it with migrate --baseline");
      expect(baselined).toEqual({
        code: 0,
        out: "recorded  0001_init.sql\nRecorded 1 migration as applied without running it: the database already has the schema it creates.",
        err: "",
      });
      expect(await journal(db)).toEqual(["0001_init.sql"]);
      expect(again).toMatchObject({
        code: 0,
        out: "The database is up to date (1 migration).",
      });
    },
    LONG,
  );

  it(
    "refuses a database that differs from the migrations' schema and records nothing",
    async () => {
      const db = await betterAuthDatabase("baseline_differs");
      await db.pool.query(`ALTER TABLE "user" DROP COLUMN "image"`);

      const refused = await migrate(db, "--baseline");

      expect(refused.code).toBe(1);
      expect(refused.err).toBe(
        [
          "error: The database does not match the schema the migrations in sql/migrations create, so --baseline recorded nothing:",
          "",
          "Additive DDL still needed (1 statement):",
          "",
          '-- field "user.image"',
          'ALTER TABLE "user" ADD COLUMN "image" text;',
          "",
          "Make the database match (plan --database-url <url> lists the same; additive DDL may be applied by hand), then run migrate --baseline again.",
        ].join("\n"),
      );
      expect(await journalExists(db)).toBe(false);
    },
    LONG,
  );

  it(
    "refuses a database whose journal already records migrations",
    async () => {
      const db = await betterAuthDatabase("baseline_journal");
      await migrate(db, "--baseline");

      const refused = await migrate(db, "--baseline");

      expect(refused).toMatchObject({
        code: 1,
        err: "error: The migration journal already records 1 migration; a baseline only adopts a database no migration was applied to.",
      });
    },
    LONG,
  );

  it("explains --baseline in --help", async () => {
    const result = await cli("migrate", "--help");

    expect(result.out).toContain("--baseline");
  });
});
