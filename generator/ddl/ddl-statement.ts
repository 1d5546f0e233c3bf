import type {
  CheckManifest,
  ColumnManifest,
  IndexManifest,
  TableManifest,
} from "../../runtime/schema-manifest.js";

/**
 * One additive DDL change. Plans are lists of these; SQL text is produced
 * only by `renderDdl`, one small renderer per kind. `cause` says which model,
 * field or plugin asked for the change, and becomes the comment above it.
 */
export type DdlStatement =
  | { kind: "createSchema"; schema: string; cause: string }
  | { kind: "createTable"; table: TableManifest; cause: string }
  | {
      kind: "addColumn";
      table: TableManifest;
      column: ColumnManifest;
      cause: string;
    }
  | {
      kind: "createIndex";
      table: TableManifest;
      index: IndexManifest;
      cause: string;
    }
  | {
      kind: "addForeignKey";
      table: TableManifest;
      column: ColumnManifest;
      target: TableManifest;
      cause: string;
    }
  | {
      kind: "addCheck";
      table: TableManifest;
      check: CheckManifest;
      cause: string;
    };
