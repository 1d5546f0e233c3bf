import type { BetterAuthOptions } from "better-auth";
import { jwt } from "better-auth/plugins";

import config from "../auth-codegen.config.js";
import type { BenchConfig } from "./bench-config.js";

/** The Better Auth options every adapter contestant's instance gets. */
export interface BenchOptions {
  /** This repository's config, minus the database, plus what a server needs. */
  readonly auth: BetterAuthOptions;
  readonly secret: string;
  /** What the bench changed in the repository's options, for the report. */
  readonly notes: readonly string[];
}

const SECRET = "pg-auth-codegen-bench-secret-0123456789abcdef";

/**
 * This repository's own auth options, so that every contestant serves the
 * schema the generated adapter is built for. One change: the jwt plugin's
 * `/get-session` hook signs a JWT on every call (a key read and a signature),
 * which would measure the signing library rather than the database layer, so
 * its header is switched off through the plugin's own option. Better Auth's
 * `advanced.database.joins` is the config's unless `BENCH_JOINS` sets it.
 */
export function createBenchOptions(
  bench: Pick<BenchConfig, "joins">,
): BenchOptions {
  const plugins = (config.auth.plugins ?? []).map((plugin) =>
    plugin.id === "jwt"
      ? jwt({ ...(plugin.options ?? {}), disableSettingJwtHeader: true })
      : plugin,
  );
  const configured = config.auth.advanced?.database?.joins === true;
  const joins = bench.joins ?? configured;

  return {
    auth: {
      ...config.auth,
      plugins,
      secret: SECRET,
      baseURL: "http://127.0.0.1:3000",
      telemetry: { enabled: false },
      advanced: {
        ...config.auth.advanced,
        database: { ...config.auth.advanced?.database, joins },
      },
      logger: { level: "error" },
    },
    secret: SECRET,
    notes: [
      `${joinsNote(joins)} ${
        bench.joins === null
          ? `As in this repository's config; \`BENCH_JOINS=${joins ? 0 : 1}\` switches it ${joins ? "off" : "on"}.`
          : `Set by \`BENCH_JOINS=${joins ? 1 : 0}\`; this repository's config has it ${configured ? "on" : "off"}.`
      }`,
      "Better Auth options: this repository's `auth-codegen.config.ts` with the jwt plugin's `set-auth-jwt` header switched off (`disableSettingJwtHeader`), so getSession measures the database layer, not JWT signing.",
    ],
  };
}

function joinsNote(joins: boolean): string {
  return joins
    ? "Joins: `advanced.database.joins` on: adapters receive `join` and may read the session and its user in one statement."
    : "Joins: `advanced.database.joins` off (Better Auth's default): Better Auth reads a joined model with a second query, whatever the adapter could do.";
}
