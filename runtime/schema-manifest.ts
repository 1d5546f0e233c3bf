/**
 * The schema manifest: everything the runtime knows about the database, fixed
 * at generate time (or built in memory by the programmatic entry). The where
 * compiler and join planner take identifiers only from here.
 */

/** A Better Auth field type, as `getAuthTables` reports it. */
export type FieldKind =
  "string" | "number" | "boolean" | "date" | "json" | "string[]" | "number[]";

/**
 * How primary keys get their values.
 *
 * - `text`: Better Auth (or the app) generates a string id before insert.
 * - `uuid`: the column defaults to `pg_catalog.gen_random_uuid()`.
 * - `serial`: an identity column; ids travel to Better Auth as strings.
 */
export type IdStrategy = "text" | "uuid" | "serial";

export type OnDeleteAction =
  "no action" | "restrict" | "cascade" | "set null" | "set default";

export interface ColumnReference {
  /** The referenced model's key in the manifest. */
  readonly model: string;
  /** The referenced field's key on that model. */
  readonly field: string;
  readonly onDelete: OnDeleteAction;
}

export interface ColumnManifest {
  /** Better Auth's field key, e.g. `emailVerified`; `id` for the key. */
  readonly field: string;
  /** The physical column name, e.g. `email_verified`. */
  readonly column: string;
  readonly kind: FieldKind;
  /** The Postgres type as written in DDL, e.g. `timestamptz`. */
  readonly pgType: string;
  readonly nullable: boolean;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  /** A reference to a managed model, or null. */
  readonly references: ColumnReference | null;
  /**
   * A reference Better Auth declares to a table this schema does not manage
   * (for example an app's own `roles`). Kept for documentation; it is neither
   * enforced in DDL nor followed by joins.
   */
  readonly unmanagedReference: string | null;
  /** The DDL default expression, or null. */
  readonly defaultSql: string | null;
}

export interface IndexManifest {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface CheckManifest {
  readonly name: string;
  /** A boolean SQL expression over quoted column names. */
  readonly expression: string;
}

export interface TableManifest {
  /** The model's key in `getAuthTables`, e.g. `user`, `rateLimit`. */
  readonly model: string;
  /**
   * The name Better Auth's adapter factory passes for this model
   * (`modelName`, pluralised when `usePlural` is on).
   */
  readonly modelName: string;
  /** The Postgres schema, or null for the connection's current schema. */
  readonly schema: string | null;
  /** The bare table name. */
  readonly table: string;
  /** `"schema"."table"` or `"table"`, ready to paste into SQL. */
  readonly qualifiedName: string;
  readonly idStrategy: IdStrategy;
  readonly columns: readonly ColumnManifest[];
  readonly indexes: readonly IndexManifest[];
  readonly checks: readonly CheckManifest[];
  /** Better Auth's `disableMigrations`: no DDL is emitted for it. */
  readonly disableMigrations: boolean;
}

export interface SchemaManifest {
  readonly usePlural: boolean;
  readonly idStrategy: IdStrategy;
  /** Tables in dependency order: a referenced table comes first. */
  readonly tables: readonly TableManifest[];
}
