// The typegen database's thread: PGlite and its socket server run here, so
// that PGlite's boot and every query pgtyped describes run beside the main
// thread's work (loading pgtyped, rendering, formatting) rather than in
// turns with it. Plain JavaScript because a worker starts with a fresh
// module loader, without the TypeScript loader the CLI runs under (tsx, or
// vitest in tests); starting one here would cost more than the boot saves.
// The main thread's side, and the messages' types, are in
// `pglite-host.ts`.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { parentPort } from "node:worker_threads";

import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const booting = bootPglite();
let server = null;

booting.then(
  () => parentPort.postMessage({ type: "booted" }),
  (error) => parentPort.postMessage({ type: "failed", message: error.message }),
);

parentPort.on("message", (message) => {
  const answer = message.type === "open" ? open(message.ddl) : close();
  answer.catch((error) =>
    parentPort.postMessage({ type: "failed", message: error.message }),
  );
});

/** Applies the DDL and serves the database on a free port of 127.0.0.1. */
async function open(ddl) {
  const db = await booting;
  try {
    await db.exec(ddl);
  } catch (error) {
    parentPort.postMessage({ type: "rejected", message: error.message });
    return;
  }

  // pgtyped keeps one idle connection besides each worker's; even in
  // process, leave room for two so a stray reconnect never hangs.
  server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: 2,
  });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  parentPort.postMessage({ type: "opened", port });
}

async function close() {
  await server?.stop();
  const db = await booting.catch(() => null);
  await db?.close();
  parentPort.postMessage({ type: "closed" });
  parentPort.close();
}

/**
 * Boots an in-memory PGlite. A fresh PGlite runs initdb, most of its
 * start-up time; restoring a snapshot of a fresh cluster skips that (about
 * 1.5 s instead of 3 to 4 on an idle machine). The first boot saves the
 * snapshot under `node_modules/.cache/pg-auth-codegen/`, keyed by PGlite's
 * version, and later boots restore it; an unreadable snapshot is rebuilt.
 * The snapshot holds an empty cluster only, never a schema, so it cannot
 * make one config's output depend on another's.
 */
async function bootPglite() {
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

async function saveSnapshot(db, path) {
  const dump = await db.dumpDataDir("none");
  await mkdir(dirname(path), { recursive: true });
  // Renamed into place, so a concurrent run never reads half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
  await rename(temporary, path);
}

/** Null when PGlite's install folder cannot be found (no cache then). */
function snapshotPath() {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const marker = `${sep}node_modules${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at === -1) return null;

  const nodeModules = entry.slice(0, at + marker.length);
  const manifest = join(nodeModules, "@electric-sql", "pglite", "package.json");
  if (!existsSync(manifest)) return null;
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  return join(
    nodeModules,
    ".cache",
    "pg-auth-codegen",
    `pglite-${version}.tar`,
  );
}
