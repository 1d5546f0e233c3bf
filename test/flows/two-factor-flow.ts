import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";
import { describe, expect, it } from "vitest";

import type { Browser } from "./browser.js";
import type { FlowContext } from "./flow-context.js";

const PASSWORD = "two factors are better than one";

/** Turn on TOTP two-factor, then sign in with a password and a code. */
export function describeTwoFactorFlow(context: () => FlowContext): void {
  describe("two-factor authentication", () => {
    let email: string;
    let browser: Browser;
    let userId: string;
    let secret: string;

    async function storedState() {
      const { rows } = await context().rows.query(
        `SELECT u."twoFactorEnabled", t."verified", t."secret" IS NOT NULL AS "hasSecret"
         FROM "user" u LEFT JOIN "twoFactor" t ON t."userId" = u."id"
         WHERE u."id" = $1`,
        [userId],
      );
      return rows;
    }

    async function sessionCount(): Promise<number> {
      const { rows } = await context().rows.query(
        `SELECT count(*)::int AS n FROM "session" WHERE "userId" = $1`,
        [userId],
      );
      return rows[0].n;
    }

    /** The current code of the authenticator app holding `secret`. */
    function currentCode(): Promise<string> {
      return createOTP(secret).totp();
    }

    it("returns a TOTP URI and stores an unverified secret", async () => {
      email = context().email("totp");
      browser = context().browser();
      const signUp = await browser.post("/sign-up/email", {
        name: "T",
        email,
        password: PASSWORD,
      });
      userId = signUp.body.user.id;

      const response = await browser.post("/two-factor/enable", {
        password: PASSWORD,
      });

      expect(response.status).toBe(200);
      expect(response.body.totpURI).toMatch(/^otpauth:\/\/totp\//);
      expect(response.body.backupCodes).toHaveLength(10);
      const encoded = new URL(response.body.totpURI).searchParams.get(
        "secret",
      )!;
      secret = new TextDecoder().decode(base32.decode(encoded));
      expect(await storedState()).toEqual([
        { twoFactorEnabled: false, verified: false, hasSecret: true },
      ]);
      context().expectStatements(
        "enable two-factor (password check)",
        response.statements,
      );
    });

    it("turns two-factor on when the first code checks out", async () => {
      const response = await browser.post("/two-factor/verify-totp", {
        code: await currentCode(),
      });

      expect(response.status).toBe(200);
      expect(response.body.token).toEqual(expect.any(String));
      expect(await storedState()).toEqual([
        { twoFactorEnabled: true, verified: true, hasSecret: true },
      ]);
      context().expectStatements(
        "verify the first TOTP code",
        response.statements,
      );
    });

    it("answers a password sign-in with a two-factor challenge and no session", async () => {
      const sessionsBefore = await sessionCount();
      browser = context().browser();

      const response = await browser.post("/sign-in/email", {
        email,
        password: PASSWORD,
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ twoFactorRedirect: true });
      expect(await sessionCount()).toBe(sessionsBefore);
      context().expectStatements(
        "sign in when two-factor is on",
        response.statements,
      );
    });

    it("refuses a wrong code", async () => {
      const code = await currentCode();
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");

      const response = await browser.post("/two-factor/verify-totp", {
        code: wrong,
      });

      expect(response.status).toBe(401);
    });

    it("creates the session once the code is given", async () => {
      const sessionsBefore = await sessionCount();

      const response = await browser.post("/two-factor/verify-totp", {
        code: await currentCode(),
      });

      expect(response.status).toBe(200);
      expect(response.body.user.id).toBe(userId);
      expect(await sessionCount()).toBe(sessionsBefore + 1);
      expect((await browser.get("/get-session")).body.user.id).toBe(userId);
      context().expectStatements(
        "complete sign-in with a TOTP code",
        response.statements,
      );
    });
  });
}
