import type {
  ColumnManifest,
  SchemaManifest,
} from "../../runtime/schema-manifest.js";
import { CodegenError } from "../codegen-error.js";

/** The snapshot's name inside the migrations folder. */
export const SNAPSHOT_FILE = "snapshot.json";

/** The snapshot key holding the generated-file notice. */
const NOTICE_KEY = "$comment";

/**
 * The manifest as committed JSON: keys sorted, two-space indent, `\n`
 * endings, so the same schema is the same bytes on every machine and a
 * schema change reads as a small diff next to its migration. Like every
 * emitted file its first line says it is generated; JSON has no comments,
 * so the notice is a `$comment` key on the opening line.
 */
export function renderSnapshot(
  manifest: SchemaManifest,
  notice: string,
): string {
  const body = JSON.stringify(sortKeys(manifest), null, 2);
  return `{ ${JSON.stringify(NOTICE_KEY)}: ${JSON.stringify(notice)},\n${body.slice(2)}\n`;
}

/**
 * Reads a committed snapshot back. Only the shape the planner relies on is
 * checked; a snapshot is written by `renderSnapshot` and reviewed, not typed
 * by hand.
 *
 * @throws {CodegenError} naming the file when it is not a snapshot.
 */
export function parseSnapshot(text: string, path: string): SchemaManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw snapshotError(path, `it is not JSON (${(error as Error).message})`);
  }

  if (!isManifest(parsed)) {
    throw snapshotError(path, "it does not hold a schema manifest");
  }
  const { [NOTICE_KEY]: _notice, ...manifest } = parsed as SchemaManifest & {
    [NOTICE_KEY]?: unknown;
  };
  return manifest;
}

function snapshotError(path: string, reason: string): CodegenError {
  return new CodegenError(
    `${path} cannot be read: ${reason}. Restore it from version control; it records the schema the committed migrations create.`,
  );
}

function isManifest(value: unknown): value is SchemaManifest {
  const manifest = value as SchemaManifest | null;
  return (
    typeof manifest === "object" &&
    manifest !== null &&
    Array.isArray(manifest.tables) &&
    manifest.tables.every(
      (table) =>
        typeof table?.qualifiedName === "string" &&
        typeof table.model === "string" &&
        Array.isArray(table.columns) &&
        Array.isArray(table.indexes) &&
        Array.isArray(table.checks) &&
        table.columns.every(
          (column: ColumnManifest | null) =>
            typeof column?.column === "string" &&
            typeof column.pgType === "string",
        ),
    )
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
