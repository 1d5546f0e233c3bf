import { describe, expect, it } from "vitest";

import type { Browser } from "./browser.js";
import type { FlowContext } from "./flow-context.js";

/** Ask to change the email address and confirm it from the new inbox. */
export function describeChangeEmailFlow(context: () => FlowContext): void {
  describe("change email", () => {
    let browser: Browser;
    let userId: string;
    let oldEmail: string;
    let newEmail: string;

    async function storedUser() {
      const { rows } = await context().rows.query(
        `SELECT "email", "emailVerified" FROM "user" WHERE "id" = $1`,
        [userId],
      );
      return rows[0];
    }

    it("emails a verification link to the new address and changes nothing yet", async () => {
      oldEmail = context().email("before");
      newEmail = context().email("after");
      browser = context().browser();
      const signUp = await browser.post("/sign-up/email", {
        name: "E",
        email: oldEmail,
        password: "a password to keep",
      });
      userId = signUp.body.user.id;

      const response = await browser.post("/change-email", { newEmail });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: true });
      expect(
        context().app.mailbox.latest("verify-email", newEmail),
      ).toBeDefined();
      expect(await storedUser()).toEqual({
        email: oldEmail,
        emailVerified: false,
      });
      context().expectStatements(
        "request an email change",
        response.statements,
      );
    });

    it("switches to the new, verified address when the link is opened", async () => {
      const { secret } = context().app.mailbox.latest("verify-email", newEmail);

      const response = await browser.get(
        `/verify-email?token=${encodeURIComponent(secret)}`,
      );

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: true,
        user: { id: userId, email: newEmail, emailVerified: true },
      });
      expect(await storedUser()).toEqual({
        email: newEmail,
        emailVerified: true,
      });
      context().expectStatements(
        "verify the new email address",
        response.statements,
      );
    });
  });
}
