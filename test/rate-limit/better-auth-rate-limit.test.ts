import { betterAuth } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createRateLimitStore } from "../../runtime/rate-limit-store.js";
import {
  createRateLimitDatabase,
  type RateLimitDatabase,
} from "./rate-limit-database.js";

const BASE_URL = "http://localhost:3000";
const SIGN_IN_RULE = { window: 60, max: 2 };

/**
 * Better Auth's Kysely adapter on the tables our DDL creates stands in for
 * the generated adapter; the rate limiter reaches the database only through
 * our store.
 */
describe("the rate-limit store wired into betterAuth()", () => {
  let database: RateLimitDatabase;
  const clock = { now: Date.now() };
  let auth: ReturnType<typeof createAuth>;

  function createAuth() {
    const store = createRateLimitStore({
      database: database.pool,
      table: database.table,
      onError: "throw",
      now: () => clock.now,
    });
    return betterAuth({
      database: database.pool,
      baseURL: BASE_URL,
      secret: "rate-limit-test-secret-0123456789abcdef",
      emailAndPassword: { enabled: true },
      rateLimit: {
        // Better Auth enables rate limiting only in production by default.
        enabled: true,
        customStorage: store,
        customRules: { "/sign-in/email": SIGN_IN_RULE },
      },
      logger: { disabled: true },
    });
  }

  function signIn(ip: string, password: string): Promise<Response> {
    return auth.handler(
      new Request(`${BASE_URL}/api/auth/sign-in/email`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": ip,
          origin: BASE_URL,
        },
        body: JSON.stringify({ email: "ada@example.com", password }),
      }),
    );
  }

  beforeAll(async () => {
    database = await createRateLimitDatabase("rate_limit_better_auth", {
      auth: {
        emailAndPassword: { enabled: true },
        rateLimit: { enabled: true, storage: "database" },
      },
    });
    auth = createAuth();
    await auth.api.signUpEmail({
      body: {
        name: "Ada",
        email: "ada@example.com",
        password: "correct horse battery",
      },
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it("answers 429 with X-Retry-After once the sign-in rule's max is reached", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await signIn("203.0.113.7", "wrong password");
      statuses.push(response.status);
      refused = response;
    }

    expect(statuses).toEqual([401, 401, 429]);
    expect(refused!.headers.get("X-Retry-After")).toBe("60");
  });

  it("keeps the counter in the rateLimit table under Better Auth's key", async () => {
    await signIn("203.0.113.8", "wrong password");

    const { rows } = await database.pool.query(
      `SELECT "key", "count", "lastRequest" FROM "rateLimit"
       WHERE "key" LIKE '203.0.113.8%'`,
    );

    expect(rows).toEqual([
      {
        key: "203.0.113.8|/sign-in/email",
        count: 1,
        lastRequest: String(clock.now),
      },
    ]);
  });

  it("limits each client address separately", async () => {
    await signIn("203.0.113.9", "wrong password");
    await signIn("203.0.113.9", "wrong password");

    const other = await signIn("203.0.113.10", "correct horse battery");

    expect(other.status).toBe(200);
  });

  it("lets the client in again once the window has passed", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await signIn("203.0.113.11", "wrong password");
    }

    clock.now += SIGN_IN_RULE.window * 1000;
    const response = await signIn("203.0.113.11", "correct horse battery");

    expect(response.status).toBe(200);
  });
});
