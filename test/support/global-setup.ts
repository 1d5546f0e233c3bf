import type { TestProject } from "vitest/node";

import { startPostgresServer } from "./postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** Starts (or finds) one PostgreSQL server for the whole run. */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  project.provide("postgresUrl", server.url);
  if (server.source !== "TEST_DATABASE_URL") {
    console.log(`Tests run on PostgreSQL from ${server.source}.`);
  }
  return () => server.stop();
}
