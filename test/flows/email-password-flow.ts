import { describe, expect, it } from "vitest";

import type { Browser } from "./browser.js";
import type { FlowContext } from "./flow-context.js";

const PASSWORD = "correct horse battery staple";

/** Sign up, sign in, read, list and revoke sessions, sign out. */
export function describeEmailPasswordFlow(context: () => FlowContext): void {
  describe("email and password", () => {
    let email: string;
    let laptop: Browser;
    let phone: Browser;
    let userId: string;

    async function sessionTokens(): Promise<string[]> {
      const { rows } = await context().rows.query(
        `SELECT "token" FROM "session" WHERE "userId" = $1 ORDER BY "createdAt"`,
        [userId],
      );
      return rows.map((row) => row.token);
    }

    it("signs up a user with a credential account and a session", async () => {
      email = context().email("alice");
      laptop = context().browser();

      const response = await laptop.post("/sign-up/email", {
        name: "Alice",
        email,
        password: PASSWORD,
      });

      expect(response.status).toBe(200);
      expect(response.body.user).toMatchObject({
        name: "Alice",
        email,
        emailVerified: false,
      });
      userId = response.body.user.id;
      const { rows: accounts } = await context().rows.query(
        `SELECT "providerId", "accountId", "password" FROM "account"
         WHERE "userId" = $1`,
        [userId],
      );
      expect(accounts).toEqual([
        {
          providerId: "credential",
          accountId: userId,
          password: expect.any(String),
        },
      ]);
      expect(accounts[0].password).not.toContain(PASSWORD);
      expect(await sessionTokens()).toEqual([response.body.token]);
      expect(laptop.cookie("session_token")).toBeDefined();
      context().expectStatements(
        "sign up with email and password",
        response.statements,
      );
    });

    it("reads the session from the cookie", async () => {
      const response = await laptop.get("/get-session");

      expect(response.status).toBe(200);
      expect(response.body.user).toMatchObject({ id: userId, email });
      expect(await sessionTokens()).toEqual([response.body.session.token]);
      context().expectStatements(
        "get the session from the cookie",
        response.statements,
      );
    });

    it("refuses a wrong password and creates no session", async () => {
      const response = await context()
        .browser()
        .post("/sign-in/email", { email, password: "wrong password!" });

      expect(response.status).toBe(401);
      expect(response.body.code).toBe("INVALID_EMAIL_OR_PASSWORD");
      expect(await sessionTokens()).toHaveLength(1);
      context().expectStatements(
        "sign in with a wrong password",
        response.statements,
      );
    });

    it("signs in on a second device with a second session", async () => {
      phone = context().browser();

      const response = await phone.post("/sign-in/email", {
        email,
        password: PASSWORD,
      });

      expect(response.status).toBe(200);
      expect(response.body.user.id).toBe(userId);
      const tokens = await sessionTokens();
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).toBe(response.body.token);
      context().expectStatements(
        "sign in with email and password",
        response.statements,
      );
    });

    it("lists both sessions", async () => {
      const response = await laptop.get("/list-sessions");

      expect(response.status).toBe(200);
      // Better Auth promises no order for the list.
      const listed = response.body.map(
        (session: { token: string }) => session.token,
      );
      expect(listed.sort()).toEqual((await sessionTokens()).sort());
      context().expectStatements("list sessions", response.statements);
    });

    it("revokes the other device's session", async () => {
      const [, phoneToken] = await sessionTokens();

      const response = await laptop.post("/revoke-session", {
        token: phoneToken,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: true });
      expect(await sessionTokens()).not.toContain(phoneToken);
      expect((await phone.get("/get-session")).body).toBeNull();
      context().expectStatements("revoke another session", response.statements);
    });

    it("signs out, deleting the session row", async () => {
      const response = await laptop.post("/sign-out");

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true });
      expect(await sessionTokens()).toEqual([]);
      expect((await laptop.get("/get-session")).body).toBeNull();
      context().expectStatements("sign out", response.statements);
    });
  });
}
