import { describe, expect, it } from "vitest";

import type { Browser } from "./browser.js";
import type { FlowContext } from "./flow-context.js";

/** Create an API key over HTTP and verify it with the server call. */
export function describeApiKeyFlow(context: () => FlowContext): void {
  describe("API keys", () => {
    let browser: Browser;
    let userId: string;
    let key: string;
    let keyId: string;

    it("creates a key and stores only its hash", async () => {
      browser = context().browser();
      const signUp = await browser.post("/sign-up/email", {
        name: "K",
        email: context().email("keys"),
        password: "keys to the kingdom",
      });
      userId = signUp.body.user.id;

      const response = await browser.post("/api-key/create", { name: "ci" });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: "ci", enabled: true });
      key = response.body.key;
      keyId = response.body.id;
      const { rows } = await context().rows.query(
        `SELECT "name", "referenceId", "key" FROM "apikey" WHERE "id" = $1`,
        [keyId],
      );
      expect(rows).toEqual([
        { name: "ci", referenceId: userId, key: expect.any(String) },
      ]);
      expect(rows[0].key).not.toBe(key);
      context().expectStatements("create an API key", response.statements);
    });

    it("verifies the key and counts the request", async () => {
      const result = await context().verifyApiKey(key);

      expect(result.response).toMatchObject({
        valid: true,
        error: null,
        key: { id: keyId, referenceId: userId },
      });
      const { rows } = await context().rows.query(
        `SELECT "requestCount", "lastRequest" IS NOT NULL AS "used"
         FROM "apikey" WHERE "id" = $1`,
        [keyId],
      );
      expect(rows).toEqual([{ requestCount: 1, used: true }]);
      context().expectStatements(
        "verify an API key (server call)",
        result.statements,
      );
    });

    it("refuses a key that was never issued", async () => {
      const result = await context().verifyApiKey(`${key.slice(0, -4)}zzzz`);

      expect(result.response).toMatchObject({ valid: false, key: null });
    });
  });
}
