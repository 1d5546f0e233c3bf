import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, normalize, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { CodegenError } from "./codegen-error.js";
import type { CodegenConfig } from "./config.js";

export const DEFAULT_CONFIG_FILE = "auth-codegen.config.ts";
/** The default's ES-module spelling, for packages that are CommonJS. */
const DEFAULT_MODULE_CONFIG_FILE = "auth-codegen.config.mts";

/**
 * The config file to use when none is named: `auth-codegen.config.ts` in
 * `cwd`, or `auth-codegen.config.mts` when only that one exists.
 */
export function defaultConfigFile(cwd = process.cwd()): string {
  const moduleFile = resolve(cwd, DEFAULT_MODULE_CONFIG_FILE);
  return !existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) &&
    existsSync(moduleFile)
    ? DEFAULT_MODULE_CONFIG_FILE
    : DEFAULT_CONFIG_FILE;
}

/** A config file, loaded and checked, with the paths derived from it. */
export interface LoadedConfig {
  readonly config: CodegenConfig;
  /** The config file's absolute path. */
  readonly path: string;
  /** Where `sqlDir` and `outDir` are resolved from: the config's folder. */
  readonly rootDir: string;
  /**
   * The config's path relative to `rootDir` (its file name), the form that
   * goes into generated headers so that output is the same on any machine.
   */
  readonly displayPath: string;
  /** The SQL folder relative to `rootDir`, with `/` separators. */
  readonly sqlDir: string;
  /** The TypeScript folder relative to `rootDir`, with `/` separators. */
  readonly outDir: string;
}

/**
 * Loads a config file by dynamic import (the CLI runs under tsx, so a `.ts`
 * file works) and checks the shape of its default export.
 *
 * @throws {CodegenError} when the file is missing, fails to import (the
 * message carries the import error), has not finished importing within
 * 60 s (`PG_AUTH_CODEGEN_CONFIG_TIMEOUT`, in seconds, changes that), or
 * does not default-export `{ auth: {...} }` with valid optional settings.
 */
export async function loadConfig(
  configPath: string,
  cwd: string = process.cwd(),
): Promise<LoadedConfig> {
  const path = resolve(cwd, configPath);
  if (!existsSync(path)) {
    throw new CodegenError(
      `Config file ${configPath} does not exist; create it or pass --config <path>.`,
    );
  }

  const config = checkConfig(await importDefault(path, configPath), configPath);
  const sqlDir = checkFolder(config.sqlDir ?? "sql", "sqlDir", configPath);
  const outDir = checkFolder(
    config.outDir ?? "generated",
    "outDir",
    configPath,
  );
  checkSeparateFolders(sqlDir, outDir, configPath);
  return {
    config,
    path,
    rootDir: dirname(path),
    displayPath: basename(path),
    sqlDir,
    outDir,
  };
}

/**
 * How long a config may take to import. An app's auth module may await a
 * server at its top level (a database, a secret store); one that never
 * answers would otherwise hang the command, in CI too, without a word.
 */
const DEFAULT_LOAD_SECONDS = 60;
const LOAD_TIMEOUT_VARIABLE = "PG_AUTH_CODEGEN_CONFIG_TIMEOUT";
/** setTimeout's limit: a longer delay fires after 1 ms instead. */
const MAX_LOAD_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

async function importDefault(
  path: string,
  shownPath: string,
): Promise<unknown> {
  const seconds = loadTimeoutSeconds();
  const imported = import(pathToFileURL(path).href).then(
    (module: { default?: unknown }) => module.default,
    (error: unknown) => {
      throw new CodegenError(
        `Config file ${shownPath} could not be loaded: ${(error as Error).message}${commonJsHint(path, error)}`,
      );
    },
  );
  return settleWithin(
    imported,
    seconds,
    () =>
      new CodegenError(
        `Config file ${shownPath} did not finish loading within ${seconds} s: a top-level await that never settles, or an import that waits on a server? Set ${LOAD_TIMEOUT_VARIABLE} to a number of seconds to wait longer.`,
      ),
  );
}

/**
 * In a package whose package.json does not say `"type": "module"`, Node
 * loads a `.ts` file as CommonJS, which cannot require Better Auth's ES
 * modules; `.mts` is ES module syntax wherever it sits.
 */
function commonJsHint(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (!path.endsWith(".ts") || typeof code !== "string") return "";
  if (!code.startsWith("ERR_REQUIRE_")) return "";
  const name = basename(path);
  // The default name's .mts spelling is found without --config.
  const rename =
    name === DEFAULT_CONFIG_FILE
      ? `rename the config to ${DEFAULT_MODULE_CONFIG_FILE}`
      : `rename the config to ${name.replace(/\.ts$/, ".mts")} (and pass --config)`;
  return ` The nearest package.json does not make .ts files ES modules: ${rename}, or add "type": "module" to package.json.`;
}

function loadTimeoutSeconds(): number {
  const setting = process.env[LOAD_TIMEOUT_VARIABLE];
  if (setting === undefined || setting === "") return DEFAULT_LOAD_SECONDS;

  const seconds = Number(setting);
  if (!(seconds > 0 && seconds <= MAX_LOAD_SECONDS)) {
    throw new CodegenError(
      `${LOAD_TIMEOUT_VARIABLE} is "${setting}"; it must be a number of seconds above 0 and at most ${MAX_LOAD_SECONDS}, such as 120.`,
    );
  }
  return seconds;
}

/**
 * Rejects with `timedOut()` when `work` has not settled after `seconds`.
 * The timer keeps the process alive on purpose: a config whose import
 * waits on nothing that does would otherwise end it with no message.
 */
async function settleWithin<T>(
  work: Promise<T>,
  seconds: number,
  timedOut: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), seconds * 1000);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function checkConfig(value: unknown, shownPath: string): CodegenConfig {
  if (!isObject(value) || !isObject(value.auth)) {
    throw new CodegenError(
      `Config file ${shownPath} must default-export { auth: {...} } (use defineConfig); the auth object is what the app passes to betterAuth().`,
      "auth",
    );
  }

  for (const option of ["sqlDir", "outDir", "schema"] as const) {
    const setting = value[option];
    if (
      setting !== undefined &&
      (typeof setting !== "string" || setting === "")
    ) {
      throw new CodegenError(
        `Option ${option} in ${shownPath} must be a non-empty string.`,
        option,
      );
    }
  }
  if (value.usePlural !== undefined && typeof value.usePlural !== "boolean") {
    throw new CodegenError(
      `Option usePlural in ${shownPath} must be true or false.`,
      "usePlural",
    );
  }

  return value as unknown as CodegenConfig;
}

/**
 * Output folders stay inside the project: the generator deletes stale files
 * it once wrote there, so a folder like `..` or `/` would be dangerous.
 */
function checkFolder(
  folder: string,
  option: string,
  shownPath: string,
): string {
  const normalized = normalize(folder).replace(/\\/g, "/").replace(/\/$/, "");
  if (
    isAbsolute(folder) ||
    normalized === "." ||
    normalized === ".." ||
    normalized.startsWith("../")
  ) {
    throw new CodegenError(
      `Option ${option} in ${shownPath} is "${folder}"; it must be a folder inside the config's folder, such as "sql" or "generated".`,
      option,
    );
  }
  return normalized;
}

/**
 * The out folder is swept for stale generated files, recursively, and the
 * migrations the generator wrote carry its header: with the SQL folder
 * inside the out folder, committed migrations would look stale and be
 * deleted. Each folder holds only what generate writes there.
 */
function checkSeparateFolders(
  sqlDir: string,
  outDir: string,
  shownPath: string,
): void {
  const reason =
    'give them separate folders, such as "sql" and "generated": generate deletes stale files it once wrote in outDir, and the committed migrations in sqlDir must never be taken for them.';
  if (sqlDir === outDir) {
    throw new CodegenError(
      `Options sqlDir and outDir in ${shownPath} are the same folder ("${sqlDir}"); ${reason}`,
      "sqlDir",
    );
  }
  if (sqlDir.startsWith(`${outDir}/`)) {
    throw new CodegenError(
      `Option sqlDir ("${sqlDir}") in ${shownPath} lies inside outDir ("${outDir}"); ${reason}`,
      "sqlDir",
    );
  }
  if (outDir.startsWith(`${sqlDir}/`)) {
    throw new CodegenError(
      `Option outDir ("${outDir}") in ${shownPath} lies inside sqlDir ("${sqlDir}"); ${reason}`,
      "outDir",
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
