import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  afterAll,
  beforeAll,
  describe,
  expect,
  inject,
  it,
  onTestFinished,
} from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/pg-auth-codegen.js");
/**
 * How long a run may take before it counts as hanging: far more than it
 * needs on a busy machine, far less than forever. A run that fails early
 * takes about 2 s; generate types its queries on the test server too.
 */
const FAILING_RUN_SECONDS = 20;
const GENERATE_RUN_SECONDS = 90;

// Each config leaves a timer running, as an app's auth module importing a
// pool or a cache often does: without the CLI ending the process, the
// runs below would never exit.
const TIMER = "setInterval(() => {}, 1_000);\n";
const CONFIGS = {
  "timer.config.ts": `${TIMER}export default { auth: { emailAndPassword: { enabled: true } } };\n`,
  "timer-no-auth.config.ts": `${TIMER}export default { notAuth: true };\n`,
  "never-settles.config.ts": `${TIMER}await new Promise(() => {});\nexport default { auth: {} };\n`,
};

interface Run {
  /** Null when the deadline killed the process. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the binary the way a shell does and waits for the process to end,
 * killing it after `seconds`: a run that does not end by then resolves
 * with code null.
 */
function runBin(
  args: readonly string[],
  seconds: number,
  env: NodeJS.ProcessEnv = {},
  cwd = workDir,
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const deadline = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
  // Should the test time out first, the process must not outlive it.
  onTestFinished(() => {
    child.kill("SIGKILL");
  });

  return new Promise<Run>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

let workDir: string;

beforeAll(async () => {
  // Inside the repository: the configs are ES modules by its package.json.
  await mkdir(join(ROOT, ".tmp"), { recursive: true });
  workDir = await mkdtemp(join(ROOT, ".tmp", "cli-exit-"));
  for (const [name, text] of Object.entries(CONFIGS)) {
    await writeFile(join(workDir, name), text);
  }
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("the CLI with a config that leaves a timer running", () => {
  it(
    "exits 0 once generate has written its files",
    async () => {
      const run = await runBin(
        [
          "generate",
          "--config",
          "timer.config.ts",
          "--database-url",
          inject("postgresUrl"),
        ],
        GENERATE_RUN_SECONDS,
      );

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.split("\n").at(-2)).toMatch(
        /^write +\d+ ms {2}15 written, 0 removed, 0 unchanged$/,
      );
    },
    (GENERATE_RUN_SECONDS + 5) * 1000,
  );

  it(
    "exits 1 once it has printed that the config has no auth object",
    async () => {
      const run = await runBin(
        ["generate", "--config", "timer-no-auth.config.ts"],
        FAILING_RUN_SECONDS,
      );

      expect(run).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "error: Config file timer-no-auth.config.ts must default-export { auth: {...} } (use defineConfig); the auth object is what the app passes to betterAuth(). (auth)\n",
      });
    },
    (FAILING_RUN_SECONDS + 5) * 1000,
  );
});

describe("a config that never finishes loading", () => {
  it.each([
    ["generate", 1],
    ["plan", 3],
  ] as const)(
    "fails %s with exit code %i after PG_AUTH_CODEGEN_CONFIG_TIMEOUT seconds",
    async (command, expectedCode) => {
      const run = await runBin(
        [
          command,
          "--config",
          "never-settles.config.ts",
          "--database-url",
          inject("postgresUrl"),
        ],
        FAILING_RUN_SECONDS,
        { PG_AUTH_CODEGEN_CONFIG_TIMEOUT: "0.5" },
      );

      expect(run).toEqual({
        code: expectedCode,
        stdout: "",
        stderr:
          "error: Config file never-settles.config.ts did not finish loading within 0.5 s: a top-level await that never settles, or an import that waits on a server? Set PG_AUTH_CODEGEN_CONFIG_TIMEOUT to a number of seconds to wait longer.\n",
      });
    },
    (FAILING_RUN_SECONDS + 5) * 1000,
  );

  it(
    "refuses a PG_AUTH_CODEGEN_CONFIG_TIMEOUT that is not a number of seconds",
    async () => {
      const run = await runBin(
        ["generate", "--config", "never-settles.config.ts"],
        FAILING_RUN_SECONDS,
        { PG_AUTH_CODEGEN_CONFIG_TIMEOUT: "1m" },
      );

      expect(run).toEqual({
        code: 1,
        stdout: "",
        stderr:
          'error: PG_AUTH_CODEGEN_CONFIG_TIMEOUT is "1m"; it must be a number of seconds above 0 and at most 2147483, such as 120.\n',
      });
    },
    (FAILING_RUN_SECONDS + 5) * 1000,
  );
});

// An app whose package.json does not say "type": "module" is CommonJS, and
// Node loads a .ts file there as CommonJS too.
describe("a config in a CommonJS package", () => {
  const CONFIG = `export default { auth: { emailAndPassword: { enabled: true } } };\n`;

  async function commonJsApp(configName: string): Promise<string> {
    const app = await mkdtemp(join(ROOT, ".tmp", "cjs-app-"));
    onTestFinished(() => rm(app, { recursive: true, force: true }));
    await writeFile(
      join(app, "package.json"),
      `{ "name": "cjs-app", "private": true }\n`,
    );
    await writeFile(join(app, configName), CONFIG);
    return app;
  }

  it(
    "says to rename a .ts config to .mts when it cannot load as CommonJS",
    async () => {
      const app = await commonJsApp("auth-codegen.config.ts");

      const run = await runBin(["generate"], FAILING_RUN_SECONDS, {}, app);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^error: Config file auth-codegen\.config\.ts could not be loaded: .* The nearest package\.json does not make \.ts files ES modules: rename the config to auth-codegen\.config\.mts, or add "type": "module" to package\.json\.\n$/s,
      );
    },
    (FAILING_RUN_SECONDS + 5) * 1000,
  );

  it(
    "finds auth-codegen.config.mts without --config",
    async () => {
      const app = await commonJsApp("auth-codegen.config.mts");

      const run = await runBin(
        ["generate", "--database-url", inject("postgresUrl")],
        GENERATE_RUN_SECONDS,
        {},
        app,
      );

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^load config +\d+ ms {2}auth-codegen\.config\.mts$/m,
      );
    },
    (GENERATE_RUN_SECONDS + 5) * 1000,
  );
});
