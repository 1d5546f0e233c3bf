import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { runCli } from "../../generator/cli.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const LONG = 180_000;

/** A config whose additional fields the steps below change. */
function config(fields: string): string {
  return `export default {
  schema: "auth",
  auth: {
    emailAndPassword: { enabled: true },
    user: { additionalFields: { ${fields} } },
  },
};
`;
}

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
let db: TestDatabase;
let configCount = 0;

/**
 * Writes the config under a new name: the CLI runs in this process, and a
 * module imported once is not imported again from the same path.
 */
async function writeConfig(fields: string): Promise<void> {
  configPath = join(workDir, `config-${++configCount}.ts`);
  await writeFile(configPath, config(fields));
}

/** Generates on the test server (no PGlite), so each run takes seconds. */
function generate(...flags: string[]) {
  return cli(
    "generate",
    "--config",
    configPath,
    "--database-url",
    inject("postgresUrl"),
    ...flags,
  );
}

const migrate = (...flags: string[]) =>
  cli("migrate", "--config", configPath, "--database-url", db.url, ...flags);

const plan = () =>
  cli("plan", "--config", configPath, "--database-url", db.url);

const migrationFiles = async () =>
  (await readdir(join(workDir, "sql/migrations"))).sort();

beforeAll(async () => {
  await mkdir(join(ROOT, ".tmp"), { recursive: true });
  workDir = await mkdtemp(join(ROOT, ".tmp", "migration-cli-"));
  db = await createTestDatabase("migration_cli");
});

afterAll(async () => {
  await db?.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe("the migration workflow through the CLI", () => {
  it(
    "generates 0001_init.sql, migrates with --create-schema and plans nothing",
    async () => {
      await writeConfig(`nickname: { type: "string", required: false }`);

      const generated = await generate();
      const refused = await migrate();
      const migrated = await migrate("--create-schema");
      const again = await migrate();
      const planned = await plan();

      expect(generated.code).toBe(0);
      expect(await migrationFiles()).toEqual([
        "0001_init.sql",
        "snapshot.json",
      ]);
      expect(refused).toMatchObject({
        code: 1,
        err: 'error: Schema "auth" does not exist; create it, or run the migrations with the createSchema option (--create-schema).',
      });
      expect(migrated).toMatchObject({
        code: 0,
        out: "applied  0001_init.sql\nApplied 1 of 1 migration.",
      });
      expect(again).toMatchObject({
        code: 0,
        out: "The database is up to date (1 migration).",
      });
      expect(planned).toEqual({
        code: 0,
        out: "The database matches the schema.",
        err: "",
      });
    },
    LONG,
  );

  it(
    "fails generate --check until the next migration is generated",
    async () => {
      await writeConfig(
        `nickname: { type: "string", required: false }, locale: { type: "string", required: true, defaultValue: "en" }`,
      );

      const pending = await plan();
      const check = await generate("--check");
      const generated = await generate();
      const migrated = await migrate();
      const planned = await plan();

      expect(pending.code).toBe(1);
      expect(pending.out).toContain(
        `ALTER TABLE "auth"."user" ADD COLUMN "locale" text NOT NULL DEFAULT 'en';`,
      );
      expect(check.code).toBe(1);
      expect(check.err).toContain(
        "  missing  sql/migrations/0002_add_user_locale.sql",
      );
      expect(generated.code).toBe(0);
      expect(migrated.out).toBe(
        "applied  0002_add_user_locale.sql\nApplied 1 of 2 migrations.",
      );
      expect(planned.code).toBe(0);
    },
    LONG,
  );

  it(
    "refuses a required field without a default and writes nothing",
    async () => {
      const before = await migrationFiles();
      const snapshot = await readFile(
        join(workDir, "sql/migrations/snapshot.json"),
        "utf8",
      );
      await writeConfig(
        `username: { type: "string", required: true }, locale: { type: "string", required: true, defaultValue: "en" }`,
      );

      const refused = await generate();

      expect(refused.code).toBe(1);
      expect(refused.err).toBe(
        [
          "error: The auth options change the database in ways an additive migration cannot apply safely:",
          '  - Column "nickname" of table "auth"."user" is no longer in the schema; dropping it would delete its values.',
          '  - New column "username" of table "auth"."user" (field "user.username") is required and has no default, so existing rows have no value for it.',
          'Write a migration by hand in sql/migrations that makes these changes, then run generate with --accept-migration to record it (see "Migrations" in the README).',
        ].join("\n"),
      );
      expect(await migrationFiles()).toEqual(before);
      expect(
        await readFile(join(workDir, "sql/migrations/snapshot.json"), "utf8"),
      ).toBe(snapshot);
    },
    LONG,
  );

  it(
    "records a hand-written migration with --accept-migration",
    async () => {
      await writeFile(
        join(workDir, "sql/migrations/0003_username_from_nickname.sql"),
        [
          `ALTER TABLE "auth"."user" ADD COLUMN "username" text;`,
          `UPDATE "auth"."user" SET "username" = coalesce("nickname", "id");`,
          `ALTER TABLE "auth"."user" ALTER COLUMN "username" SET NOT NULL;`,
          `ALTER TABLE "auth"."user" DROP COLUMN "nickname";`,
          "",
        ].join("\n"),
      );

      const accepted = await generate("--accept-migration");
      const check = await generate("--check");
      const migrated = await migrate();
      const planned = await plan();

      expect(accepted.code).toBe(0);
      expect(await migrationFiles()).toEqual([
        "0001_init.sql",
        "0002_add_user_locale.sql",
        "0003_username_from_nickname.sql",
        "snapshot.json",
      ]);
      expect(check.code).toBe(0);
      expect(migrated.out).toBe(
        "applied  0003_username_from_nickname.sql\nApplied 1 of 3 migrations.",
      );
      expect(planned).toMatchObject({ code: 0 });
    },
    LONG,
  );

  it(
    "embeds every migration in generated/migrate.ts",
    async () => {
      const module = await import(
        pathToFileURL(join(workDir, "generated/migrate.ts")).href
      );

      expect(
        module.migrations.map((migration: { name: string }) => migration.name),
      ).toEqual([
        "0001_init.sql",
        "0002_add_user_locale.sql",
        "0003_username_from_nickname.sql",
      ]);
      expect(module.migrations[2].sql).toBe(
        await readFile(
          join(workDir, "sql/migrations/0003_username_from_nickname.sql"),
          "utf8",
        ),
      );
      await expect(module.migrate(db.pool)).resolves.toEqual({ applied: [] });
    },
    LONG,
  );

  it(
    "reports a column changed by hand with exit code 2 and migrate leaves it",
    async () => {
      await db.pool.query(
        `ALTER TABLE "auth"."user" ALTER COLUMN "emailVerified" DROP DEFAULT,
           ALTER COLUMN "emailVerified" TYPE integer USING "emailVerified"::integer`,
      );

      const planned = await plan();
      const migrated = await migrate();

      expect(planned.code).toBe(2);
      expect(planned.out).toBe(
        [
          "Columns that differ from the schema (plan never alters them; write a migration by hand):",
          '  - table "auth"."user", column "emailVerified": expected boolean, actual integer (type)',
        ].join("\n"),
      );
      expect(migrated.code).toBe(0);
      const { rows } = await db.pool.query(
        `SELECT data_type FROM information_schema.columns
          WHERE table_schema = 'auth' AND table_name = 'user'
            AND column_name = 'emailVerified'`,
      );
      expect(rows).toEqual([{ data_type: "integer" }]);
    },
    LONG,
  );
});

describe("plan's exit code on errors", () => {
  it("exits 3, not 1, when it cannot connect", async () => {
    await writeConfig(`nickname: { type: "string", required: false }`);

    const result = await cli(
      "plan",
      "--config",
      configPath,
      "--database-url",
      "postgres://postgres@127.0.0.1:1/nowhere",
    );

    expect(result.code).toBe(3);
    expect(result.err).toMatch(
      /^error: plan could not connect to the database: /,
    );
  });

  it("exits 3 when the config file is missing", async () => {
    const result = await cli(
      "plan",
      "--config",
      join(workDir, "missing.config.ts"),
      "--database-url",
      db.url,
    );

    expect(result.code).toBe(3);
    expect(result.err).toContain("missing.config.ts does not exist");
  });

  it("exits 3 on an unknown flag", async () => {
    const result = await cli("plan", "--databse-url", db.url);

    expect(result.code).toBe(3);
  });

  it("lists exit code 3 in --help", async () => {
    const result = await cli("plan", "--help");

    expect(result.out).toMatch(/\b3 when\s+plan could not run/);
  });
});

describe("a --database-url that is not a URL", () => {
  it.each([
    ["generate", 1],
    ["migrate", 1],
    ["plan", 3],
  ] as const)(
    "is refused by %s with generate's message, exit code %i",
    async (command, expectedCode) => {
      // A folder of its own: the migrations the workflow above wrote must
      // not decide what generate says first.
      const dir = await mkdtemp(join(workDir, "not-a-url-"));
      const path = join(dir, "auth-codegen.config.ts");
      await writeFile(path, config(""));

      const result = await cli(
        command,
        "--config",
        path,
        "--database-url",
        "notaurl",
      );

      expect(result.code).toBe(expectedCode);
      expect(result.err).toBe(
        "error: --database-url must be a postgres:// URL. (--database-url)",
      );
    },
    LONG,
  );
});
