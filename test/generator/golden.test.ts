import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { CodegenError } from "../../generator/codegen-error.js";
import { generateFiles } from "../../generator/generate-files.js";
import { schemaModule } from "../../generator/outputs/schema-module.js";
import { sqlQueryFiles } from "../../generator/outputs/sql-query-files.js";
import { sqlSchemaFile } from "../../generator/outputs/sql-schema-file.js";

/**
 * Golden folders: `golden/<case>/config.ts` is the input; `expected/` holds
 * the exact SQL files, schema and manifest module the generator must emit,
 * or `expected-error.txt` the exact error message. Only the stages that
 * need no database run here. `UPDATE_GOLDEN=1` rewrites the expectations
 * (review the diff before committing it).
 */
const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "golden");
const KINDS = [sqlQueryFiles, sqlSchemaFile, schemaModule];
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const cases = readdirSync(GOLDEN_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("golden generator output", () => {
  for (const name of cases) {
    const caseDir = join(GOLDEN_DIR, name);
    const errorFile = join(caseDir, "expected-error.txt");

    if (existsSync(errorFile)) {
      it(`${name}: rejects the config with the expected message`, async () => {
        const error = await generate(caseDir).then(
          () => null,
          (thrown: unknown) => thrown,
        );

        expect(error).toBeInstanceOf(CodegenError);
        expect(describeError(error as CodegenError)).toBe(
          readFileSync(errorFile, "utf8").trimEnd(),
        );
      });
      continue;
    }

    it(`${name}: emits exactly the expected files`, async () => {
      const { files } = await generate(caseDir);
      const expectedDir = join(caseDir, "expected");
      if (UPDATE) await rewrite(expectedDir, files);

      const expected = readTree(expectedDir);
      expect([...files.keys()]).toEqual([...expected.keys()]);
      for (const [path, contents] of files) {
        expect(contents, path).toBe(expected.get(path));
      }
    });
  }
});

function generate(caseDir: string) {
  return generateFiles({
    configPath: "config.ts",
    cwd: caseDir,
    withDatabase: false,
    outputKinds: KINDS,
  });
}

/** The message plus the option path, as the CLI prints it. */
function describeError(error: CodegenError): string {
  return error.optionPath === null
    ? error.message
    : `${error.message}\noption: ${error.optionPath}`;
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else
        files.set(
          relative(root, path).split("\\").join("/"),
          readFileSync(path, "utf8"),
        );
    }
  };
  if (existsSync(root)) visit(root);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function rewrite(root: string, files: ReadonlyMap<string, string>) {
  await rm(root, { recursive: true, force: true });
  for (const [path, contents] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), contents);
  }
}
