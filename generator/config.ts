import type { BetterAuthOptions } from "better-auth";

/** What `auth-codegen.config.ts` exports. */
export interface CodegenConfig {
  /** The options the app passes to `betterAuth()`, plugins included. */
  readonly auth: BetterAuthOptions;
  /**
   * Where the SQL files go, relative to the config file; separate from
   * `outDir` (neither may hold the other).
   */
  readonly sqlDir?: string;
  /** Where the generated TypeScript goes, relative to the config file. */
  readonly outDir?: string;
  /** A Postgres schema for every table, e.g. `internal`. */
  readonly schema?: string;
  /** Better Auth's adapter `usePlural`: table names get an `s`. */
  readonly usePlural?: boolean;
}

/** Types the config file's default export. */
export function defineConfig(config: CodegenConfig): CodegenConfig {
  return config;
}
