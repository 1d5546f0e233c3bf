// The runtime's public entry, `pg-auth-codegen/runtime`: what generated code
// and applications import. Generator internals are never reachable from here.
export {
  ConnectionError,
  DatabaseError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryTimeoutError,
  SerializationError,
  UniqueViolationError,
  translateDatabaseError,
} from "./database-error.js";
export {
  ADAPTER_ID,
  createPgAdapter,
  type PgAdapterConfig,
  type PgAdapterOptions,
  type PgAuthAdapterFactory,
} from "./create-pg-adapter.js";
export {
  checkManifestCovers,
  SchemaMismatchError,
} from "./check-manifest-covers.js";
export type { AdapterMethod, QueryLog } from "./create-adapter-methods.js";
export { InvalidQueryError } from "./invalid-query-error.js";
export { MigrationError } from "./migration-error.js";
export { MIGRATION_JOURNAL_TABLE } from "./migration-journal.js";
export { deepFreeze } from "./deep-freeze.js";
export { quoteIdentifier, quoteTableName } from "./quote-identifier.js";
export {
  parseRefusal,
  rateLimitSql,
  type RateLimitRefusal,
  type RateLimitSql,
} from "./rate-limit-sql.js";
export {
  createRateLimitStore,
  RateLimitStoreError,
  type DeleteExpiredOptions,
  type RateLimitDecision,
  type RateLimitErrorPolicy,
  type RateLimitRule,
  type RateLimitStore,
  type RateLimitStoreOptions,
} from "./rate-limit-store.js";
export type {
  CheckManifest,
  ColumnManifest,
  ColumnReference,
  FieldKind,
  IdStrategy,
  IndexManifest,
  OnDeleteAction,
  SchemaManifest,
  TableManifest,
} from "./schema-manifest.js";
export {
  migrationChecksum,
  runMigrations,
  type Migration,
  type MigrationOptions,
  type MigrationResult,
} from "./run-migrations.js";
export {
  connectionFor,
  SqlConnection,
  type PgClientLike,
  type PgDatabase,
  type PgPoolLike,
  type SqlConnectionOptions,
  type SqlExecutor,
  type SqlLogger,
  type SqlResult,
} from "./sql-connection.js";
export type { PreparedStatementsSetting } from "./prepared-statements.js";
export type { StaticQuery } from "./static-query.js";
