import { betterAuth } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import config from "../../auth-codegen.config.js";
import { pgAuthAdapter } from "../../generated/adapter.js";
import { applySchema } from "../../generator/index.js";
import { SchemaMismatchError } from "../../runtime/check-manifest-covers.js";
import {
  createTestDatabase,
  type TestDatabase,
} from "../support/test-database.js";
import type { LoggedStatement } from "./adapter-fixture.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("generated_adapter");
  await applySchema(database.pool, config.auth);
});

afterAll(async () => {
  await database.drop();
});

describe("the generated pgAuthAdapter", () => {
  it("signs up and reads the session through generated static queries", async () => {
    const statements: LoggedStatement[] = [];
    const auth = betterAuth({
      ...config.auth,
      secret: "generated-adapter-test-secret-0123456789",
      baseURL: "http://localhost:3000",
      rateLimit: { enabled: false },
      database: pgAuthAdapter(database.pool, {
        debugLogs: true,
        logger: (event) => statements.push(event),
      }),
    });

    const signUp = await auth.api.signUpEmail({
      body: { email: "gen@x.test", password: "a-long-password", name: "Gen" },
      returnHeaders: true,
    });
    const cookie = signUp.headers.get("set-cookie")!.split(";")[0]!;
    statements.length = 0;
    const session = await auth.api.getSession({
      headers: new Headers({ cookie }),
    });

    expect(session?.user.email).toBe("gen@x.test");
    // The config turns Better Auth's joins on: one statement reads both.
    expect(statements.map((statement) => statement.name)).toContain(
      "findSessionWithUserByToken",
    );
  });

  it("refuses options with a field the generated schema lacks", () => {
    const build = pgAuthAdapter(database.pool);
    const options = {
      ...config.auth,
      user: {
        ...config.auth.user,
        additionalFields: {
          ...config.auth.user?.additionalFields,
          shoeSize: { type: "number" as const, required: false },
        },
      },
    };

    expect(() => build(options)).toThrow(
      new SchemaMismatchError(
        'Better Auth stores field "user.shoeSize" in column "shoeSize", which the schema manifest lacks.',
      ),
    );
  });

  it.each([
    [
      "a different id strategy",
      {
        ...config.auth,
        advanced: { database: { generateId: "uuid" as const, joins: true } },
      },
      "Better Auth's advanced.database.generateId asks for uuid ids, but the schema manifest was generated for text ids.",
    ],
    [
      "a renamed table",
      { ...config.auth, user: { ...config.auth.user, modelName: "members" } },
      'Better Auth names model "user" "members", but the schema manifest has "user".',
    ],
    [
      "a changed field type",
      {
        ...config.auth,
        user: {
          ...config.auth.user,
          additionalFields: {
            ...config.auth.user?.additionalFields,
            nickname: { type: "number" as const, required: false },
          },
        },
      },
      'Better Auth gives field "user.nickname" type number, but the schema manifest has string.',
    ],
    [
      "a field made required",
      {
        ...config.auth,
        user: {
          ...config.auth.user,
          additionalFields: {
            ...config.auth.user?.additionalFields,
            nickname: { type: "string" as const, required: true },
          },
        },
      },
      'Better Auth makes field "user.nickname" required, but the schema manifest does not.',
    ],
  ])("refuses options with %s", (_change, options, message) => {
    const build = pgAuthAdapter(database.pool);

    expect(() => build(options)).toThrow(new SchemaMismatchError(message));
  });
});
