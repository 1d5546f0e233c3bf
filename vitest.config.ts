import { defineConfig } from "vitest/config";

// The package's own export condition points `pg-auth-codegen` and
// `pg-auth-codegen/runtime` (which generated/ imports) at the TypeScript
// sources, so a test never runs a dist/ build older than the code under test.
// Tests run in Vite's server environment, which reads ssr.resolve.conditions;
// the rest of the list is that environment's default.
const SERVER_CONDITIONS = [
  "pg-auth-codegen-source",
  "module",
  "node",
  "development|production",
];

export default defineConfig({
  ssr: { resolve: { conditions: SERVER_CONDITIONS } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
