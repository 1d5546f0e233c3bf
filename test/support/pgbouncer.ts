import pg from "pg";
import { describe, it } from "vitest";

/**
 * The PgBouncer the tests go through, from `PGBOUNCER_URL` (CI starts one
 * with `test/support/start-pgbouncer.sh` in front of the test server), or
 * null when none is configured. With `REQUIRE_PGBOUNCER=1` a missing URL is
 * an error, so that CI can never skip these tests unnoticed.
 */
export function pgbouncerUrl(): string | null {
  const url = process.env.PGBOUNCER_URL;
  if (url !== undefined && url !== "") return url;
  if (process.env.REQUIRE_PGBOUNCER === "1") {
    throw new Error(
      "REQUIRE_PGBOUNCER is set but PGBOUNCER_URL is not: start PgBouncer " +
        "with test/support/start-pgbouncer.sh and export its URL.",
    );
  }
  return null;
}

/**
 * `describe`, run only when a PgBouncer is configured. Without one the
 * block is reported as skipped, with the reason in its title.
 */
export function describeThroughPgBouncer(
  title: string,
  body: (bouncerUrl: string) => void,
): void {
  const url = pgbouncerUrl();
  if (url === null) {
    describe.skip(`${title} (skipped: set PGBOUNCER_URL, see README "PgBouncer")`, () => {
      // A skipped test, so that the reporter lists the reason.
      it.skip("runs through PgBouncer", () => {});
    });
    return;
  }
  describe(title, () => body(url));
}

/**
 * The URL that reaches `databaseUrl`'s database through the PgBouncer at
 * `bouncerUrl`. The bouncer routes every database name to its server, so a
 * database created directly on the server is reachable through it at once.
 */
export function throughPgBouncer(
  bouncerUrl: string,
  databaseUrl: string,
): string {
  const target = new URL(bouncerUrl);
  target.pathname = new URL(databaseUrl).pathname;
  return target.toString();
}

/** A pg.Pool on `databaseUrl`'s database, through the PgBouncer. */
export function poolThroughPgBouncer(
  bouncerUrl: string,
  databaseUrl: string,
  max = 10,
): pg.Pool {
  return new pg.Pool({
    connectionString: throughPgBouncer(bouncerUrl, databaseUrl),
    max,
  });
}
