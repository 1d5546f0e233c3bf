import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { SNAPSHOT_FILE } from "./schema-snapshot.js";

/** The migrations folder inside the SQL folder. */
export const MIGRATIONS_FOLDER = "migrations";

/**
 * The migration files and the snapshot in a folder, name to text; an empty
 * map when the folder does not exist yet. Other files are left out, and
 * subfolders are not read.
 */
export function readMigrationFolder(folder: string): Map<string, string> {
  if (!existsSync(folder)) return new Map();

  const names = readdirSync(folder, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isFile() &&
        (entry.name.endsWith(".sql") || entry.name === SNAPSHOT_FILE),
    )
    .map((entry) => entry.name)
    .sort();
  return new Map(
    names.map((name) => [name, readFileSync(join(folder, name), "utf8")]),
  );
}
