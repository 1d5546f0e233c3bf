import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { BetterAuthRateLimitStorage } from "@better-auth/core";
import type { DBAdapterInstance } from "@better-auth/core/db/adapter";
import type pg from "pg";

import { resolveSchema } from "../../generator/schema/resolve-schema.js";
import type { TableManifest } from "../../runtime/schema-manifest.js";
import type { BenchOptions } from "../bench-options.js";
import type { Contestant } from "../contestant.js";
import { createCountingPool } from "../counting-pool.js";
import { RATE_LIMIT_RULE } from "../rate-limit-rule.js";
import { createAdapterContestant } from "./adapter-contestant.js";

export const OUR_NAME = "pg-auth-codegen";

/**
 * One way of running our adapter and store: the default (named prepared
 * statements on a direct connection such as the bench's), and unnamed
 * statements, what an app behind PgBouncer before 1.21 gets.
 */
export interface OurVariant {
  readonly name: string;
  readonly namespace: string;
  readonly preparedStatements: "auto" | false;
}

export const OUR_VARIANTS: readonly OurVariant[] = [
  { name: OUR_NAME, namespace: "ours", preparedStatements: "auto" },
  {
    name: `${OUR_NAME}, unnamed statements`,
    namespace: "ours_unnamed",
    preparedStatements: false,
  },
];

/**
 * Our contestant (null when nothing of it exists yet) and what of it is
 * missing (null when nothing is).
 */
export interface OurContestant {
  readonly contestant: Contestant | null;
  readonly missing: string | null;
}

interface AdapterSource {
  readonly file: string;
  readonly exportName: string;
  readonly describe: string;
}

// Where our adapter may come from, best first: the adapter generated for
// this repository's config, then the programmatic entry points. Each is
// called with the contestant's pool and must return what an app passes to
// betterAuth() as `database`.
const ADAPTER_SOURCES: readonly AdapterSource[] = [
  {
    file: "generated/adapter.ts",
    exportName: "pgAuthAdapter",
    describe: "the generated adapter (`generated/adapter.ts`)",
  },
  {
    file: "generator/index.ts",
    exportName: "pgAuthAdapter",
    describe: "`pgAuthAdapter` from `generator/index.ts`",
  },
];

const GENERATED_STORE_FILE = "generated/rate-limit.ts";
const RUNTIME_STORE_FILE = "runtime/rate-limit-store.ts";

/**
 * Builds our contestant from whatever of it exists in this tree: the adapter
 * (all operations but rate limiting) and the rate-limit store. Either may be
 * missing while they are being built; the report then says so instead of
 * showing numbers.
 */
export async function loadOurContestant(
  root: string,
  url: string,
  poolSize: number,
  options: BenchOptions,
  variant: OurVariant = OUR_VARIANTS[0]!,
): Promise<OurContestant> {
  const counting = createCountingPool(url, poolSize);
  const settings = { preparedStatements: variant.preparedStatements };
  const adapter = await loadAdapter(root, counting.pool, settings);
  const store = await loadStore(root, counting.pool, options, settings);

  if (adapter.factory === null && store.store === null) {
    await counting.pool.end();
    return { contestant: null, missing: `${adapter.reason} ${store.reason}` };
  }

  const partial = [adapter.reason, store.reason].filter(
    (reason): reason is string => reason !== null,
  );
  const contestant = adapter.factory
    ? createAdapterContestant({
        name: variant.name,
        namespace: variant.namespace,
        counting,
        factory: adapter.factory,
        options,
        rateLimit: () => store.store ?? unavailableStore(),
        notes: [
          `${OUR_NAME} adapter: ${adapter.describe}.`,
          ...(store.describe === null
            ? []
            : [`${OUR_NAME} rate-limit store: ${store.describe}.`]),
        ],
      })
    : storeOnlyContestant(variant, counting, store.store!);

  if (store.store === null) delete contestant.operations.rateLimitConsume;
  return partial.length === 0
    ? { contestant, missing: null }
    : { contestant, missing: partial.join(" ") };
}

/** What every variant passes to the adapter and store it builds. */
interface VariantSettings {
  readonly preparedStatements: OurVariant["preparedStatements"];
}

async function loadAdapter(
  root: string,
  pool: pg.Pool,
  settings: VariantSettings,
): Promise<
  | { factory: DBAdapterInstance; describe: string; reason: null }
  | { factory: null; describe: null; reason: string }
> {
  for (const source of ADAPTER_SOURCES) {
    const module = await importIfPresent(root, source.file);
    const create = module?.[source.exportName];
    if (typeof create !== "function") continue;
    return {
      factory: create(pool, settings),
      describe: source.describe,
      reason: null,
    };
  }

  return {
    factory: null,
    describe: null,
    reason: `Its adapter does not exist yet (looked for ${ADAPTER_SOURCES.map((source) => `\`${source.exportName}\` in \`${source.file}\``).join(", ")}).`,
  };
}

async function loadStore(
  root: string,
  pool: pg.Pool,
  options: BenchOptions,
  settings: VariantSettings,
): Promise<
  | { store: BetterAuthRateLimitStorage; describe: string; reason: null }
  | { store: null; describe: null; reason: string }
> {
  // The generated store, when this tree has one, is what an app runs; the
  // runtime's, given the resolved table, sends the same statement.
  const generated = await importIfPresent(root, GENERATED_STORE_FILE);
  if (typeof generated?.pgRateLimitStore === "function") {
    return {
      store: generated.pgRateLimitStore(pool, settings),
      describe: `\`pgRateLimitStore\` from \`${GENERATED_STORE_FILE}\``,
      reason: null,
    };
  }

  const runtime = await importIfPresent(root, RUNTIME_STORE_FILE);
  const create = runtime?.createRateLimitStore;
  if (typeof create !== "function") {
    return {
      store: null,
      describe: null,
      reason: `Its rate-limit store does not exist yet (\`createRateLimitStore\` in \`${RUNTIME_STORE_FILE}\`).`,
    };
  }
  const table = rateLimitTable(options);
  return {
    store: create({ ...settings, database: pool, table }),
    describe: `\`createRateLimitStore\` from \`${RUNTIME_STORE_FILE}\``,
    reason: null,
  };
}

function storeOnlyContestant(
  variant: OurVariant,
  counting: ReturnType<typeof createCountingPool>,
  store: BetterAuthRateLimitStorage,
): Contestant {
  return {
    name: variant.name,
    namespace: variant.namespace,
    counting,
    notes: [],
    operations: {
      rateLimitConsume: (key) => store.consume(key, RATE_LIMIT_RULE),
    },
    close: () => counting.pool.end(),
  };
}

function rateLimitTable(options: BenchOptions): TableManifest {
  const manifest = resolveSchema({ auth: options.auth });
  const table = manifest.tables.find((entry) => entry.model === "rateLimit");
  if (table === undefined) {
    throw new Error(
      'The bench options have no rateLimit model; set rateLimit.storage to "database".',
    );
  }
  return table;
}

function unavailableStore(): BetterAuthRateLimitStorage {
  return {
    consume: () =>
      Promise.reject(new Error("The rate-limit store is not available.")),
  };
}

// A variable specifier keeps the type checker from requiring files that
// other engineers have not written yet; tsx compiles them when present.
async function importIfPresent(
  root: string,
  file: string,
): Promise<Record<string, unknown> | null> {
  const absolute = path.join(root, file);
  if (!existsSync(absolute)) return null;
  const specifier = pathToFileURL(absolute).href;
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    // A half-built file must not stop the other contestants' measurements.
    process.stderr.write(
      `[bench] ${file} exists but could not be loaded: ${(error as Error).message}\n`,
    );
    return null;
  }
}
