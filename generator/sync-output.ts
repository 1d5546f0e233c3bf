import { existsSync } from "node:fs";
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";

import { MIGRATIONS_FOLDER } from "./migrations/read-migration-folder.js";
import { GENERATED_MARK } from "./outputs/output-kind.js";

/** How the files on disk differ from the generated ones. */
export interface OutputDiff {
  /** Present with other contents. */
  readonly changed: readonly string[];
  /** Generated but absent from disk. */
  readonly missing: readonly string[];
  /** Written by an earlier run and no longer generated. */
  readonly extra: readonly string[];
  /** Generated and already identical on disk. */
  readonly unchanged: number;
}

/** The folders the generator owns, relative to the config's folder. */
export interface OutputFolders {
  readonly sqlDir: string;
  readonly outDir: string;
}

/**
 * Compares generated files with the disk. A file counts as the generator's
 * (and so as `extra` when no longer generated) only when it sits in the
 * out folder or directly in the SQL folder and its first line carries the
 * generated mark: hand-written files there, and the migration history in
 * subfolders of the SQL folder, are never touched. Generated migrations
 * carry the mark too, so the migrations folder is left out by name, also
 * when the out folder (listed recursively) holds it.
 */
export async function diffOutput(
  rootDir: string,
  files: ReadonlyMap<string, string>,
  folders: OutputFolders,
): Promise<OutputDiff> {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, contents] of files) {
    const onDisk = await readIfExists(join(rootDir, path));
    if (onDisk === null) missing.push(path);
    else if (onDisk !== contents) changed.push(path);
  }

  const owned = new Set([
    ...(await listFiles(rootDir, folders.outDir, true)),
    ...(await listFiles(rootDir, folders.sqlDir, false)),
  ]);
  const history = `${folders.sqlDir}/${MIGRATIONS_FOLDER}/`;
  const extra: string[] = [];
  for (const path of [...owned].sort()) {
    if (files.has(path) || path.startsWith(history)) continue;
    const text = await readIfExists(join(rootDir, path));
    if (text?.split("\n", 1)[0]!.includes(GENERATED_MARK)) extra.push(path);
  }

  return {
    changed,
    missing,
    extra,
    unchanged: files.size - changed.length - missing.length,
  };
}

/**
 * Applies a diff: writes changed and missing files, each through a
 * temporary file renamed into place so that no file is ever half-written,
 * then deletes the extra ones.
 */
export async function writeOutput(
  rootDir: string,
  files: ReadonlyMap<string, string>,
  diff: OutputDiff,
): Promise<void> {
  for (const path of [...diff.changed, ...diff.missing]) {
    const target = join(rootDir, path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, files.get(path)!);
    await rename(temporary, target);
  }
  for (const path of diff.extra) {
    await rm(join(rootDir, path));
  }
}

async function readIfExists(path: string): Promise<string | null> {
  return existsSync(path) ? readFile(path, "utf8") : null;
}

/** Relative paths with `/`, of a folder's files, optionally recursive. */
async function listFiles(
  rootDir: string,
  folder: string,
  recursive: boolean,
): Promise<string[]> {
  const absolute = join(rootDir, folder);
  if (!existsSync(absolute)) return [];

  const entries = await readdir(absolute, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = `${folder}/${entry.name}`;
      if (entry.isFile()) return [path];
      if (entry.isDirectory() && recursive) {
        return listFiles(rootDir, path, true);
      }
      return [];
    }),
  );
  return nested.flat();
}
