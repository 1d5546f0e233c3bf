import { describe, expect, it } from "vitest";

import type { FlowContext } from "./flow-context.js";

const OLD_PASSWORD = "the old password, 2024";
const NEW_PASSWORD = "the new password, 2026";

/** Request a reset link by email and set a new password with its token. */
export function describePasswordResetFlow(context: () => FlowContext): void {
  describe("password reset", () => {
    let email: string;
    let token: string;

    async function verificationRows() {
      const { rows } = await context().rows.query(
        `SELECT "identifier", "value" FROM "verification"
         WHERE "identifier" LIKE 'reset-password:%'`,
      );
      return rows;
    }

    it("emails a reset token and stores it as a verification row", async () => {
      email = context().email("reset");
      const signUp = await context()
        .browser()
        .post("/sign-up/email", { name: "R", email, password: OLD_PASSWORD });
      expect(signUp.status).toBe(200);

      const response = await context()
        .browser()
        .post("/request-password-reset", { email, redirectTo: "/reset" });

      expect(response.status).toBe(200);
      expect(response.body.status).toBe(true);
      token = context().app.mailbox.latest("reset-password", email).secret;
      expect(await verificationRows()).toEqual([
        { identifier: `reset-password:${token}`, value: signUp.body.user.id },
      ]);
      context().expectStatements(
        "request a password reset",
        response.statements,
      );
    });

    it("sets the new password and consumes the token", async () => {
      const response = await context()
        .browser()
        .post("/reset-password", { newPassword: NEW_PASSWORD, token });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: true });
      expect(await verificationRows()).toEqual([]);
      context().expectStatements(
        "reset the password with the emailed token",
        response.statements,
      );
    });

    it("refuses the same token a second time", async () => {
      const response = await context()
        .browser()
        .post("/reset-password", { newPassword: "yet another one!", token });

      expect(response.status).toBe(400);
      expect(response.body.code).toBe("INVALID_TOKEN");
    });

    it("signs in with the new password and no longer with the old one", async () => {
      const old = await context()
        .browser()
        .post("/sign-in/email", { email, password: OLD_PASSWORD });
      const current = await context()
        .browser()
        .post("/sign-in/email", { email, password: NEW_PASSWORD });

      expect([old.status, current.status]).toEqual([401, 200]);
    });
  });
}
