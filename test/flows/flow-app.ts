import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { emailOTP, magicLink, organization } from "better-auth/plugins";

import config from "../../auth-codegen.config.js";
import { pgAuthAdapter } from "../../generated/adapter.js";
import { migrate } from "../../generated/migrate.js";
import { pgRateLimitStore } from "../../generated/rate-limit.js";
import type { PgDatabase } from "../../runtime/sql-connection.js";
import { Mailbox } from "./mailbox.js";

export const BASE_URL = "http://localhost:3000";

/** A Better Auth instance built from this repository's config. */
export interface FlowApp {
  readonly mailbox: Mailbox;
  /**
   * Sends one request to `auth.handler` and waits for the background work
   * it started (Better Auth's `runInBackground`), so that its statements
   * belong to this request.
   */
  handle(request: Request): Promise<Response>;
  /** Runs a server-side `auth.api` call the same way. */
  call<T>(work: (api: FlowApi) => Promise<T>): Promise<T>;
}

/** The `auth.api` calls the flows make that have no HTTP route. */
export interface FlowApi {
  verifyApiKey(input: { body: { key: string } }): Promise<{
    valid: boolean;
    error: unknown;
    key: Record<string, unknown> | null;
  }>;
}

/**
 * Builds `betterAuth()` with this repository's auth options on `database`:
 * email senders that fill a mailbox, a fixed secret and base URL, and the
 * SQL rate-limit store. `joins` is Better Auth's `advanced.database.joins`.
 */
export function createFlowApp(
  database: PgDatabase,
  options: { joins: boolean },
): FlowApp {
  const mailbox = new Mailbox();
  const background: Promise<unknown>[] = [];

  const auth = betterAuth({
    ...config.auth,
    secret: "flow-tests-secret-not-for-production-0123456789",
    baseURL: BASE_URL,
    database: pgAuthAdapter(database),
    emailAndPassword: {
      ...config.auth.emailAndPassword,
      enabled: true,
      sendResetPassword: async ({ user, url, token }) =>
        mailbox.deliver({
          kind: "reset-password",
          to: user.email,
          secret: token,
          url,
        }),
    },
    emailVerification: {
      sendVerificationEmail: async ({ user, url, token }) =>
        mailbox.deliver({
          kind: "verify-email",
          to: user.email,
          secret: token,
          url,
        }),
    },
    user: { ...config.auth.user, changeEmail: { enabled: true } },
    rateLimit: {
      ...config.auth.rateLimit,
      customStorage: pgRateLimitStore(database),
    },
    plugins: withTestSenders(config.auth.plugins ?? [], mailbox),
    advanced: {
      database: { joins: options.joins },
      backgroundTasks: { handler: (task) => background.push(task) },
    },
  });

  async function settled<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    while (background.length > 0) {
      await Promise.allSettled(background.splice(0));
    }
    return result;
  }

  return {
    mailbox,
    handle: (request) => settled(auth.handler(request)),
    // The plugins are assembled at run time, so auth.api's type does not
    // list their calls; FlowApi names the ones the flows use.
    call: (work) => settled(work(auth.api as unknown as FlowApi)),
  };
}

/**
 * Creates the schema of this repository's config in an empty database
 * with the generated migrations, as an app would at boot.
 */
export async function migrateFlowDatabase(database: PgDatabase) {
  await migrate(database);
}

/**
 * The config's plugins, with the ones that send email rebuilt around the
 * mailbox. Each keeps its other options, so the schema stays the config's.
 */
function withTestSenders(
  plugins: readonly BetterAuthPlugin[],
  mailbox: Mailbox,
): BetterAuthPlugin[] {
  return plugins.map((plugin) => {
    const options = (plugin as { options?: Record<string, unknown> }).options;
    switch (plugin.id) {
      case "organization":
        return organization({
          ...options,
          sendInvitationEmail: async ({ id, email }) =>
            mailbox.deliver({
              kind: "invitation",
              to: email,
              secret: id,
              url: null,
            }),
        });
      case "magic-link":
        return magicLink({
          ...options,
          sendMagicLink: async ({ email, token, url }) =>
            mailbox.deliver({
              kind: "magic-link",
              to: email,
              secret: token,
              url,
            }),
        });
      case "email-otp":
        return emailOTP({
          ...options,
          sendVerificationOTP: async ({ email, otp }) =>
            mailbox.deliver({
              kind: "email-otp",
              to: email,
              secret: otp,
              url: null,
            }),
        });
      default:
        return plugin;
    }
  });
}
