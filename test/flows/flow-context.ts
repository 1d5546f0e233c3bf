import type pg from "pg";
import { afterAll, beforeAll } from "vitest";

import {
  createCountingPool,
  type StatementLog,
} from "../support/counting-pool.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import { Browser, type FlowResponse } from "./browser.js";
import {
  BASE_URL,
  createFlowApp,
  migrateFlowDatabase,
  type FlowApi,
  type FlowApp,
} from "./flow-app.js";
import {
  expectStatements,
  type FlowStep,
  type JoinMode,
} from "./statement-counts.js";

/** What every flow test reaches: the app, its database, fresh browsers. */
export interface FlowContext {
  readonly app: FlowApp;
  /** A direct pool for reading the rows a flow leaves behind. */
  readonly rows: pg.Pool;
  /** A new browser with no cookies and an IP address of its own. */
  browser(): Browser;
  /** A new email address nobody has used in this database. */
  email(label: string): string;
  /** Names of the prepared statements the app sent, once per send. */
  namedStatements(): string[];
  /** True when the app reaches PostgreSQL through a pooler (`appUrl`). */
  readonly throughPooler: boolean;
  /** Asserts the statements `step` sent, for this context's join mode. */
  expectStatements(
    step: FlowStep,
    statements: FlowResponse["statements"],
  ): void;
  /** `auth.api.verifyApiKey`, with the statements it sent. */
  verifyApiKey(key: string): Promise<{
    response: Awaited<ReturnType<FlowApi["verifyApiKey"]>>;
    statements: string[];
  }>;
}

export interface FlowContextOptions {
  /** Maps the database's URL to the one the app connects through. */
  readonly appUrl?: (databaseUrl: string) => string;
  /** Better Auth's `advanced.database.joins`; "default" leaves it off. */
  readonly joins?: JoinMode;
}

/**
 * Sets up, for the enclosing describe block, a migrated database of its
 * own and a Better Auth app on it whose statements are counted, reached
 * directly or through `appUrl` (e.g. PgBouncer).
 */
export function useFlowContext(
  label: string,
  options: FlowContextOptions = {},
): () => FlowContext {
  const appUrl = options.appUrl ?? ((url: string) => url);
  const mode = options.joins ?? "default";
  let database: TestDatabase;
  let appPool: pg.Pool;
  let context: FlowContext;

  beforeAll(async () => {
    database = await createTestDatabase(label);
    await migrateFlowDatabase(database.pool);

    const counting = createCountingPool({
      connectionString: appUrl(database.url),
      max: 10,
    });
    appPool = counting.pool;
    const app = createFlowApp(appPool, { joins: mode === "joins" });
    // The jwt plugin creates its signing key on first use; creating it
    // here keeps that one-off cost out of whichever flow happens to run
    // first.
    await app.handle(new Request(`${BASE_URL}/api/auth/jwks`));
    context = buildContext(app, counting.statements, database, {
      mode,
      throughPooler: options.appUrl !== undefined,
    });
  });

  afterAll(async () => {
    await appPool?.end();
    await database?.drop();
  });

  return () => context;
}

function buildContext(
  app: FlowApp,
  statements: StatementLog,
  database: TestDatabase,
  { mode, throughPooler }: { mode: JoinMode; throughPooler: boolean },
): FlowContext {
  let browsers = 0;
  let emails = 0;
  return {
    app,
    rows: database.pool,
    browser: () => new Browser(app, statements, `203.0.113.${++browsers}`),
    email: (label) => `${label}-${++emails}@example.com`,
    expectStatements: (step, sent) => expectStatements(mode, step, sent),
    namedStatements: () => statements.named(),
    throughPooler,
    async verifyApiKey(key) {
      statements.take();
      const response = await app.call((api) =>
        api.verifyApiKey({ body: { key } }),
      );
      return { response, statements: statements.take() };
    },
  };
}
