import { join } from "node:path";

import { migrationsOf } from "../migrations/migration-files.js";
import {
  MIGRATIONS_FOLDER,
  readMigrationFolder,
} from "../migrations/read-migration-folder.js";
import { renderTemplate } from "../templates/render-template.js";
import { generatedHeader, type OutputKind } from "./output-kind.js";

/**
 * `generated/migrate.ts`: every migration embedded (the committed ones and
 * the one this run adds) and `migrate(database)` to apply them. List it
 * after the migration files, whose new file it reads from the context.
 */
export const migrateModule: OutputKind = {
  name: "migrate module",
  needsDatabase: false,
  render: (context) => {
    const folder = `${context.sqlDir}/${MIGRATIONS_FOLDER}`;
    const files = readMigrationFolder(join(context.rootDir, folder));
    for (const [path, contents] of context.files) {
      if (path.startsWith(`${folder}/`)) {
        files.set(path.slice(folder.length + 1), contents);
      }
    }

    const schema = context.config.schema;
    return [
      {
        path: `${context.outDir}/migrate.ts`,
        contents: renderTemplate("ts/migrate.ts", {
          header: generatedHeader(context, "line"),
          folder,
          schema: schema === undefined ? null : JSON.stringify(schema),
          migrations: migrationsOf(files).map((migration) => ({
            name: JSON.stringify(migration.name),
            sql: templateLiteral(migration.sql),
          })),
        }),
      },
    ];
  },
};

/**
 * A template literal rather than a JSON string, so a migration reads as SQL
 * in the generated module and in its diffs. Backslashes, backticks and `${`
 * are escaped; prettier leaves template literal text alone.
 */
function templateLiteral(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/`/g, "\\`")
    .replace(/\$\{/g, "\\${");
  return `\`${escaped}\``;
}
