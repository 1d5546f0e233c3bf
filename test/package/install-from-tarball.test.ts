import { execFile } from "node:child_process";
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const LONG = 120_000;

interface PackageManifest {
  readonly files: readonly string[];
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

interface PackedTarball {
  readonly path: string;
  /** The paths inside the tarball, as `npm pack --json` lists them. */
  readonly files: readonly string[];
}

// An app the way a user writes one: a TypeScript config for the CLI, and a
// server that uses both the generated adapter (through
// `pg-auth-codegen/runtime`) and the package root's in-memory one.
const CONFIG = `const auth = { emailAndPassword: { enabled: true } };

export default { sqlDir: "sql", outDir: "src/generated", auth };
`;

const SERVER = `import pg from "pg";
import { applySchema, pgAuthAdapter as adapterFor } from "pg-auth-codegen";

import { migrate, pgAuthAdapter } from "./generated/index.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const options = { emailAndPassword: { enabled: true } };
const now = new Date();

const { applied } = await migrate(pool);
const generated = pgAuthAdapter(pool)(options);
await generated.create({
  model: "user",
  data: { name: "Ann", email: "ann@x.test", createdAt: now, updatedAt: now },
});
const ann = await generated.findOne<{ name: string }>({
  model: "user",
  where: [{ field: "email", value: "ann@x.test" }],
});

await applySchema(pool, options, { schema: "in_memory" });
const inMemory = adapterFor(pool, { schema: "in_memory" })(options);
await inMemory.create({
  model: "user",
  data: { name: "Bob", email: "bob@x.test", createdAt: now, updatedAt: now },
});
const bob = await inMemory.findOne<{ name: string }>({
  model: "user",
  where: [{ field: "email", value: "bob@x.test" }],
});

console.log(JSON.stringify({ applied, ann: ann?.name, bob: bob?.name }));
await pool.end();
`;

const APP_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    rootDir: "src",
    outDir: "dist",
  },
  include: ["src"],
};

/**
 * Runs a command and resolves to its stdout. A failure rejects with what
 * the command printed on both streams (tsc reports errors on stdout).
 */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${error.message}\n${stdout}\n${stderr}`));
    });
  });
}

/**
 * The environment of a plain app: without NODE_OPTIONS, so that a
 * `--conditions=source` set for this repository's tools cannot lead Node
 * to the TypeScript sources.
 */
function appEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

async function readManifest(): Promise<PackageManifest> {
  return JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
}

/**
 * Packs a copy of the package, so that the prepare script's build writes
 * dist/ in the copy, never in the repository, where another run may be
 * packing or reading it. The copy holds what npm packs besides dist/, the
 * build's configs, and a link to our node_modules for tsc and the types.
 */
async function packCopy(
  manifest: PackageManifest,
  workDir: string,
): Promise<PackedTarball> {
  const stage = join(workDir, "stage");
  const inputs = [
    "package.json",
    "README.md",
    "tsconfig.json",
    "tsconfig.build.json",
    ...manifest.files.filter((path) => path !== "dist"),
  ];
  for (const path of inputs) {
    await cp(join(ROOT, path), join(stage, path), { recursive: true });
  }
  await symlink(join(ROOT, "node_modules"), join(stage, "node_modules"));

  const output = await run(
    "npm",
    ["pack", "--json", "--pack-destination", workDir],
    stage,
  );
  const [packed] = JSON.parse(output) as [
    { filename: string; files: { path: string }[] },
  ];
  return {
    path: join(workDir, packed.filename),
    files: packed.files.map((file) => file.path),
  };
}

/**
 * Installs the tarball and the packages an app adds next to it. Install
 * scripts are skipped to save time: nothing the app runs needs one.
 */
async function installApp(
  manifest: PackageManifest,
  tarball: string,
  appDir: string,
): Promise<void> {
  const appManifest = {
    name: "scratch-app",
    private: true,
    type: "module",
    dependencies: {
      "pg-auth-codegen": `file:${tarball}`,
      // Peers: the app's own Better Auth is the one the CLI and the
      // adapter use, at the version this repository tests.
      "better-auth": manifest.devDependencies["better-auth"],
      "@better-auth/core": manifest.devDependencies["@better-auth/core"],
      pg: manifest.dependencies.pg,
      "@pgtyped/runtime": manifest.dependencies["@pgtyped/runtime"],
    },
    devDependencies: { "@types/pg": manifest.devDependencies["@types/pg"] },
  };
  await mkdir(join(appDir, "src"), { recursive: true });
  await writeFile(join(appDir, "package.json"), JSON.stringify(appManifest));
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ],
    appDir,
    appEnv(),
  );
}

// Outside the repository: Node must find every package in the app's own
// node_modules, never in ours by walking up the folders.
let workDir: string;
let appDir: string;
let tarball: PackedTarball;
let db: TestDatabase;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "pg-auth-codegen-package-"));
  appDir = join(workDir, "app");
  const manifest = await readManifest();
  tarball = await packCopy(manifest, workDir);
  await installApp(manifest, tarball.path, appDir);
  db = await createTestDatabase("package_install");
}, LONG);

afterAll(async () => {
  await db?.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe("the packed package in an app built with plain tsc", () => {
  it("packs the compiled entry points with their declarations, and no tests", () => {
    expect(tarball.files).toEqual(
      expect.arrayContaining([
        "dist/generator/index.js",
        "dist/generator/index.d.ts",
        "dist/runtime/index.js",
        "dist/runtime/index.d.ts",
        "dist/templates/sql/select.sql.hbs",
        "bin/pg-auth-codegen.js",
        "generator/cli.ts",
      ]),
    );
    expect(
      tarball.files.filter((path) =>
        /^(test|bench|generated|sql|examples)\//.test(path),
      ),
    ).toEqual([]);
  });

  it(
    "generates the app's code with the installed CLI and a TypeScript config",
    async () => {
      await writeFile(join(appDir, "auth-codegen.config.ts"), CONFIG);

      await run(
        join(appDir, "node_modules/.bin/pg-auth-codegen"),
        ["generate", "--database-url", inject("postgresUrl")],
        appDir,
        appEnv(),
      );

      expect((await readdir(join(appDir, "src/generated"))).sort()).toEqual([
        "adapter.ts",
        "index.ts",
        "migrate.ts",
        "queries",
        "schema.ts",
      ]);
    },
    LONG,
  );

  it(
    "compiles the app against the installed declarations",
    async () => {
      await writeFile(join(appDir, "src/server.ts"), SERVER);
      await writeFile(
        join(appDir, "tsconfig.json"),
        JSON.stringify(APP_TSCONFIG),
      );

      // The repository's TypeScript, to spare an install: tsc resolves
      // every import from the app's folder, not from its own.
      const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
      const output = await run(process.execPath, [tsc, "-p", appDir], appDir);

      expect(output).toBe("");
    },
    LONG,
  );

  it(
    "runs the compiled app on plain node against PostgreSQL",
    async () => {
      const output = await run(
        process.execPath,
        ["dist/server.js"],
        appDir,
        appEnv({ DATABASE_URL: db.url }),
      );

      expect(JSON.parse(output)).toEqual({
        applied: ["0001_init.sql"],
        ann: "Ann",
        bob: "Bob",
      });
    },
    LONG,
  );
});
