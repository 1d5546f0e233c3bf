import { InvalidQueryError } from "./invalid-query-error.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type {
  ColumnManifest,
  SchemaManifest,
  TableManifest,
} from "./schema-manifest.js";

type Row = Record<string, unknown>;

/**
 * One table of the manifest with the lookups the adapter needs on every
 * call, computed once: columns by physical name and by field key, the
 * quoted select list, and the decoders that undo what node-postgres and
 * JSON aggregation do to our types.
 */
export class CatalogTable {
  readonly manifest: TableManifest;
  readonly primaryKey: ColumnManifest;
  /** Every column, quoted and comma-separated, in manifest order. */
  readonly selectList: string;
  readonly #byColumn: ReadonlyMap<string, ColumnManifest>;
  readonly #byField: ReadonlyMap<string, ColumnManifest>;
  readonly #bigintColumns: readonly ColumnManifest[];
  readonly #dateColumns: readonly ColumnManifest[];

  constructor(manifest: TableManifest) {
    this.manifest = manifest;
    this.primaryKey = manifest.columns.find((column) => column.primaryKey)!;
    this.selectList = manifest.columns
      .map((column) => quoteIdentifier(column.column))
      .join(", ");
    this.#byColumn = new Map(manifest.columns.map((c) => [c.column, c]));
    this.#byField = new Map(manifest.columns.map((c) => [c.field, c]));
    this.#bigintColumns = manifest.columns.filter(
      (column) => column.pgType === "bigint" || column.pgType === "bigint[]",
    );
    this.#dateColumns = manifest.columns.filter(
      (column) => column.kind === "date",
    );
  }

  /**
   * The column with this physical name, which is how Better Auth's adapter
   * factory names fields in where clauses and data after its transforms.
   *
   * @throws {InvalidQueryError} naming the model and column when unknown.
   */
  column(name: string): ColumnManifest {
    const column = this.#byColumn.get(name);
    if (column === undefined) {
      throw new InvalidQueryError(
        `Model "${this.manifest.model}" has no column "${name}" in the schema manifest; regenerate after changing the auth options.`,
      );
    }
    return column;
  }

  /**
   * The column of a Better Auth field key, as `select` and `sortBy` name
   * them.
   *
   * @throws {InvalidQueryError} naming the model and field when unknown.
   */
  field(name: string): ColumnManifest {
    const column = this.findField(name);
    if (column === null) {
      throw new InvalidQueryError(
        `Model "${this.manifest.model}" has no field "${name}" in the schema manifest; regenerate after changing the auth options.`,
      );
    }
    return column;
  }

  /** Like `field`, but null for an unknown field. */
  findField(name: string): ColumnManifest | null {
    return this.#byField.get(name) ?? this.#byColumn.get(name) ?? null;
  }

  /**
   * node-postgres returns int8 as a string to avoid losing precision; Better
   * Auth declares such fields (rate-limit `lastRequest`) as numbers, and
   * epoch milliseconds fit a double exactly. Mutates and returns the row.
   */
  decodeRow(row: Row): Row {
    for (const column of this.#bigintColumns) {
      row[column.column] = toNumber(row[column.column]);
    }
    return row;
  }

  /**
   * A row that travelled through `row_to_json` has lost its timestamps to
   * ISO strings; the manifest says which keys were dates.
   */
  decodeJsonRow(row: Row): Row {
    for (const column of this.#dateColumns) {
      const value = row[column.column];
      if (typeof value === "string") row[column.column] = new Date(value);
    }
    return this.decodeRow(row);
  }
}

function toNumber(value: unknown): unknown {
  if (typeof value === "string") return Number(value);
  if (Array.isArray(value)) return value.map(toNumber);
  return value;
}

/** The manifest's tables by model key, built once per manifest. */
export class SchemaCatalog {
  readonly manifest: SchemaManifest;
  readonly #tables: ReadonlyMap<string, CatalogTable>;
  readonly #byModelName: ReadonlyMap<string, CatalogTable>;

  constructor(manifest: SchemaManifest) {
    this.manifest = manifest;
    this.#tables = new Map(
      manifest.tables.map((table) => [table.model, new CatalogTable(table)]),
    );
    this.#byModelName = new Map(
      [...this.#tables.values()].map((table) => [
        table.manifest.modelName,
        table,
      ]),
    );
  }

  /** Like `table`, but null for an unknown model. */
  find(model: string): CatalogTable | null {
    return this.#tables.get(model) ?? this.#byModelName.get(model) ?? null;
  }

  /**
   * The table of a Better Auth model key (`user`, `rateLimit`, a plugin's
   * model), or of the model name Better Auth passes for it (`users`).
   *
   * @throws {InvalidQueryError} naming the model when the manifest lacks it.
   */
  table(model: string): CatalogTable {
    const table = this.find(model);
    if (table === null) {
      throw new InvalidQueryError(
        `Model "${model}" is not in the schema manifest; regenerate after changing the auth options.`,
      );
    }
    return table;
  }
}

const catalogs = new WeakMap<SchemaManifest, SchemaCatalog>();

/** The catalog of a manifest, computed on first use and then reused. */
export function schemaCatalogFor(manifest: SchemaManifest): SchemaCatalog {
  let catalog = catalogs.get(manifest);
  if (catalog === undefined) {
    catalog = new SchemaCatalog(manifest);
    catalogs.set(manifest, catalog);
  }
  return catalog;
}
