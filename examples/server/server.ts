// The example app: Better Auth over plain node:http on the generated layer.
// `npm run example` serves it on http://localhost:3000 (PORT to change),
// against DATABASE_URL or, without it, an embedded PostgreSQL.
import { createServer } from "node:http";

import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import pg from "pg";

import config from "../../auth-codegen.config.js";
import { pgAuthAdapter } from "../../generated/adapter.js";
import { migrate } from "../../generated/migrate.js";
import { pgRateLimitStore } from "../../generated/rate-limit.js";
import { openDatabase } from "./open-database.js";

const port = Number(process.env.PORT ?? 3000);
const database = await openDatabase();
const pool = new pg.Pool({ connectionString: database.url });
// An idle client whose server goes away (a restart, or the embedded server
// stopping at exit) emits "error" on the pool; unhandled, it ends the app.
pool.on("error", (error) =>
  console.error(`Idle client lost: ${error.message}`),
);

// Every instance may run this at boot: an advisory lock makes each
// migration apply once.
const { applied } = await migrate(pool);

const auth = betterAuth({
  ...config.auth,
  baseURL: `http://localhost:${port}`,
  secret:
    process.env.BETTER_AUTH_SECRET ?? "example-secret-change-me-0123456789",
  database: pgAuthAdapter(pool),
  rateLimit: {
    ...config.auth.rateLimit,
    customStorage: pgRateLimitStore(pool),
  },
});

const handle = toNodeHandler(auth);
const server = createServer((request, response) => {
  // Better Auth keys rate limits by the x-forwarded-for address. Nothing
  // sits in front of this server, so the socket's peer is the client:
  // overwrite whatever the client claimed.
  request.headers["x-forwarded-for"] = request.socket.remoteAddress;
  return handle(request, response);
});
server.listen(port, "127.0.0.1", () => {
  console.log(
    `Better Auth on http://localhost:${port}/api/auth, using ${database.description}` +
      ` (${applied.length} migrations applied).`,
  );
});

async function shutDown() {
  server.close();
  await pool.end();
  await database.close();
  process.exit(0);
}
process.once("SIGINT", shutDown);
process.once("SIGTERM", shutDown);
