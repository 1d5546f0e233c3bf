import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const HOLDER = join(ROOT, "test/support/hold-throwaway-database.ts");

let admin: pg.Client;
/** Every database a holder made, dropped at the end should a test fail. */
const held: string[] = [];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
});

afterAll(async () => {
  for (const name of held) {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  await admin?.end();
});

async function databaseExists(name: string): Promise<boolean> {
  const { rows } = await admin.query(
    "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1) AS found",
    [name],
  );
  return rows[0].found;
}

/** Starts the holder and resolves once its throwaway database exists. */
async function holdThrowawayDatabase() {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", HOLDER, inject("postgresUrl")],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  const lines = createInterface({ input: child.stdout! });
  // A holder that crashes (a refused login, say) fails the test at once
  // with its exit code, instead of leaving it to wait out its timeout.
  const [name] = (await Promise.race([
    once(lines, "line"),
    exited.then(([code]) => {
      throw new Error(
        `The holder exited with ${code} before opening a database.`,
      );
    }),
  ])) as [string];
  held.push(name);
  return { child, exited, name };
}

describe("a throwaway typegen database on an interrupted run", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "is dropped on %s, and the process exits %i",
    async (signal, expectedCode) => {
      const { child, exited, name } = await holdThrowawayDatabase();
      expect(name).toMatch(/^pg_auth_codegen_[0-9a-f]{12}$/);
      expect(await databaseExists(name)).toBe(true);

      child.kill(signal);
      const [code] = await exited;

      expect(code).toBe(expectedCode);
      expect(await databaseExists(name)).toBe(false);
    },
    60_000,
  );
});
