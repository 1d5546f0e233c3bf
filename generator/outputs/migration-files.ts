import { join } from "node:path";

import {
  MIGRATIONS_FOLDER,
  readMigrationFolder,
} from "../migrations/read-migration-folder.js";
import { planMigrationFiles } from "../migrations/plan-migration-files.js";
import { SNAPSHOT_FILE } from "../migrations/schema-snapshot.js";
import type { OutputKind } from "./output-kind.js";

/**
 * `sql/migrations/NNNN_<slug>.sql` and `sql/migrations/snapshot.json`: the
 * next additive migration, when the schema changed since the snapshot, and
 * the snapshot itself. The committed folder is this kind's input, read when
 * it renders; earlier migrations are never re-emitted, so the pipeline
 * neither rewrites nor deletes them (they sit below the SQL folder).
 *
 * `accept` records changes that additive DDL refuses, once a hand-written
 * migration makes them (`generate --accept-migration`).
 */
export function migrationFilesKind(options: { accept: boolean }): OutputKind {
  return {
    name: "migration files",
    needsDatabase: false,
    render: (context) => {
      const folder = `${context.sqlDir}/${MIGRATIONS_FOLDER}`;
      const planned = planMigrationFiles({
        manifest: context.manifest,
        existing: readMigrationFolder(join(context.rootDir, folder)),
        auth: context.config.auth,
        accept: options.accept,
        migrationsDir: folder,
        source: context.configFile,
      });

      const emitted = [SNAPSHOT_FILE, planned.added].filter(
        (name): name is string => name !== null,
      );
      return emitted.map((name) => ({
        path: `${folder}/${name}`,
        contents: planned.files.get(name)!,
      }));
    },
  };
}

export const migrationFiles = migrationFilesKind({ accept: false });

/** The kinds of a run with `--accept-migration`. */
export function acceptingMigrations(
  kinds: readonly OutputKind[],
): OutputKind[] {
  return kinds.map((kind) =>
    kind === migrationFiles ? migrationFilesKind({ accept: true }) : kind,
  );
}
