import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";

import { PGlite } from "@electric-sql/pglite";

/**
 * Boots an in-memory PGlite. A fresh PGlite runs initdb, most of its
 * start-up time; restoring a snapshot of a fresh cluster skips that (about
 * 1.5 s instead of 3 to 4 on an idle machine). The first boot saves the
 * snapshot under `node_modules/.cache/pg-auth-codegen/`, keyed by PGlite's
 * version, and later boots restore it; an unreadable snapshot is rebuilt.
 * The snapshot holds an empty cluster only, never a schema, so it cannot
 * make one config's output depend on another's.
 */
export async function bootPglite(): Promise<PGlite> {
  const path = snapshotPath();
  if (path !== null && existsSync(path)) {
    try {
      const snapshot = await readFile(path);
      return await PGlite.create({ loadDataDir: new Blob([snapshot]) });
    } catch {
      // A truncated or foreign file: boot fresh and overwrite it below.
    }
  }

  const db = await PGlite.create();
  if (path !== null) await saveSnapshot(db, path).catch(() => {});
  return db;
}

async function saveSnapshot(db: PGlite, path: string): Promise<void> {
  const dump = await db.dumpDataDir("none");
  await mkdir(dirname(path), { recursive: true });
  // Renamed into place, so a concurrent run never reads half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
  await rename(temporary, path);
}

/** Null when PGlite's install folder cannot be found (no cache then). */
function snapshotPath(): string | null {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const marker = `${sep}node_modules${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at === -1) return null;

  const nodeModules = entry.slice(0, at + marker.length);
  const manifest = join(nodeModules, "@electric-sql", "pglite", "package.json");
  if (!existsSync(manifest)) return null;
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as {
    version: string;
  };
  return join(
    nodeModules,
    ".cache",
    "pg-auth-codegen",
    `pglite-${version}.tar`,
  );
}
