import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CodegenError } from "../../generator/codegen-error.js";
import { loadConfig } from "../../generator/load-config.js";

let dir: string;
let configCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "load-config-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Loads a config with these folders, each from a file of its own. */
async function loadFolders(folders: { sqlDir?: string; outDir?: string }) {
  const name = `config-${++configCount}.ts`;
  await writeFile(
    join(dir, name),
    `export default ${JSON.stringify({ ...folders, auth: {} })};\n`,
  );
  return loadConfig(name, dir);
}

async function refusal(folders: { sqlDir?: string; outDir?: string }) {
  const error = await loadFolders(folders).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CodegenError);
  return error as CodegenError;
}

describe("loadConfig folders", () => {
  it("accepts separate sqlDir and outDir side by side", async () => {
    const loaded = await loadFolders({ sqlDir: "db/sql", outDir: "db/gen" });

    expect(loaded).toMatchObject({ sqlDir: "db/sql", outDir: "db/gen" });
  });

  it("refuses an sqlDir inside outDir, naming both options", async () => {
    const error = await refusal({ outDir: "src/db", sqlDir: "src/db/sql" });

    expect(error.message).toBe(
      'Option sqlDir ("src/db/sql") in config-2.ts lies inside outDir ("src/db"); give them separate folders, such as "sql" and "generated": generate deletes stale files it once wrote in outDir, and the committed migrations in sqlDir must never be taken for them.',
    );
    expect(error.optionPath).toBe("sqlDir");
  });

  it("refuses an sqlDir equal to outDir", async () => {
    const error = await refusal({ outDir: "db", sqlDir: "db/" });

    expect(error.message).toBe(
      'Options sqlDir and outDir in config-3.ts are the same folder ("db"); give them separate folders, such as "sql" and "generated": generate deletes stale files it once wrote in outDir, and the committed migrations in sqlDir must never be taken for them.',
    );
    expect(error.optionPath).toBe("sqlDir");
  });

  it("refuses an outDir inside sqlDir", async () => {
    const error = await refusal({ sqlDir: "sql", outDir: "sql/migrations" });

    expect(error.message).toBe(
      'Option outDir ("sql/migrations") in config-4.ts lies inside sqlDir ("sql"); give them separate folders, such as "sql" and "generated": generate deletes stale files it once wrote in outDir, and the committed migrations in sqlDir must never be taken for them.',
    );
    expect(error.optionPath).toBe("outDir");
  });

  it("does not read a folder sharing only a name prefix as nested", async () => {
    const loaded = await loadFolders({ sqlDir: "db-sql", outDir: "db" });

    expect(loaded).toMatchObject({ sqlDir: "db-sql", outDir: "db" });
  });
});
