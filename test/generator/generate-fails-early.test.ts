import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

import { runCli } from "../../generator/cli.js";
import { startPgliteHost } from "../../generator/typegen/pglite-host.js";

// The real PGlite start, watched. It boots beside the config's loading, so
// a refused run starts it too; what it must do is end it before returning,
// without waiting for the boot or opening it.
const hosts = vi.hoisted(
  () => [] as { terminated: boolean; opened: boolean }[],
);
vi.mock("../../generator/typegen/pglite-host.js", async (importOriginal) => {
  const real =
    await importOriginal<
      typeof import("../../generator/typegen/pglite-host.js")
    >();
  const watched = () => {
    const host = real.startPgliteHost();
    const entry = { terminated: false, opened: false };
    hosts.push(entry);
    return {
      ...host,
      open: (ddl: string) => {
        entry.opened = true;
        return host.open(ddl);
      },
      terminate: async () => {
        await host.terminate();
        entry.terminated = true;
      },
    };
  };
  return { ...real, startPgliteHost: vi.fn(watched) };
});

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const LONG = 180_000;

function config(fields: string): string {
  return `export default {
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

async function snapshotOf(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(folder, { recursive: true })) {
    const text = await readFile(join(folder, entry), "utf8").catch(() => null);
    if (text !== null) files.set(entry, text);
  }
  return files;
}

let workDir: string;

beforeAll(async () => {
  await mkdir(join(ROOT, ".tmp"), { recursive: true });
  workDir = await mkdtemp(join(ROOT, ".tmp", "generate-fails-early-"));
  await writeFile(
    join(workDir, "config-1.ts"),
    config(`nickname: { type: "string", required: false }`),
  );
  // The first generation, on the test server, leaves the migration
  // snapshot that the refused change is measured against.
  const first = await cli(
    "generate",
    "--config",
    join(workDir, "config-1.ts"),
    "--database-url",
    inject("postgresUrl"),
  );
  if (first.code !== 0) throw new Error(first.err);
}, LONG);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("generate before the database starts", () => {
  it(
    "refuses an unsafe migration without opening PGlite, ends its thread and writes nothing",
    async () => {
      const before = await snapshotOf(workDir);
      await writeFile(
        join(workDir, "config-2.ts"),
        config(`username: { type: "string", required: true }`),
      );
      vi.mocked(startPgliteHost).mockClear();
      hosts.length = 0;

      const refused = await cli(
        "generate",
        "--config",
        join(workDir, "config-2.ts"),
      );

      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(
        /^error: The auth options change the database in ways an additive migration cannot apply safely:/,
      );
      expect(refused.out).toMatch(/^plan queries +\d+ ms /m);
      expect(refused.out).not.toMatch(/^start database /m);
      expect(refused.out).not.toMatch(/^type queries /m);
      expect(startPgliteHost).toHaveBeenCalledTimes(1);
      expect(
        hosts.map(({ opened, terminated }) => ({ opened, terminated })),
      ).toEqual([{ opened: false, terminated: true }]);
      const after = await snapshotOf(workDir);
      after.delete("config-2.ts");
      expect(after).toEqual(before);
    },
    LONG,
  );
});
