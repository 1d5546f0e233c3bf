import { adapterModule } from "./adapter-module.js";
import { indexModule } from "./index-module.js";
import { migrateModule } from "./migrate-module.js";
import { migrationFiles } from "./migration-files.js";
import type { OutputKind } from "./output-kind.js";
import { rateLimitModule } from "./rate-limit-module.js";
import { schemaModule } from "./schema-module.js";
import { sqlQueryFiles } from "./sql-query-files.js";
import { sqlSchemaFile } from "./sql-schema-file.js";
import { typedQueryModules } from "./typed-query-modules.js";

/**
 * Every kind of file `generate` emits, in render order. To add one, write
 * its template under `templates/`, a module here exporting an `OutputKind`
 * whose `render` fills the template from the context, and list it below:
 * before `typedQueryModules` when it needs no database (kinds up to the
 * first database kind render before pgtyped runs, so their errors come
 * early), and always before `indexModule`, which re-exports what the
 * others produced.
 */
export const OUTPUT_KINDS: readonly OutputKind[] = [
  sqlQueryFiles,
  sqlSchemaFile,
  schemaModule,
  adapterModule,
  rateLimitModule,
  migrationFiles,
  migrateModule,
  typedQueryModules,
  indexModule,
];
