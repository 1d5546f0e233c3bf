import { describe, expect, it } from "vitest";

import type { Browser } from "./browser.js";
import type { FlowContext } from "./flow-context.js";

/** Create an organization, invite someone by email, have them accept. */
export function describeOrganizationFlow(context: () => FlowContext): void {
  describe("organization", () => {
    let owner: Browser;
    let ownerId: string;
    let organizationId: string;
    let inviteeEmail: string;
    let invitationId: string;

    async function members() {
      const { rows } = await context().rows.query(
        `SELECT "userId", "role" FROM "member"
         WHERE "organizationId" = $1 ORDER BY "createdAt"`,
        [organizationId],
      );
      return rows;
    }

    async function signUp(browser: Browser, email: string): Promise<string> {
      const response = await browser.post("/sign-up/email", {
        name: email.split("@")[0],
        email,
        password: "organized password",
      });
      expect(response.status).toBe(200);
      return response.body.user.id;
    }

    it("creates the organization with its creator as owner", async () => {
      owner = context().browser();
      ownerId = await signUp(owner, context().email("owner"));

      const response = await owner.post("/organization/create", {
        name: "Acme",
        slug: `acme-${ownerId.slice(0, 8).toLowerCase()}`,
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: "Acme" });
      organizationId = response.body.id;
      expect(await members()).toEqual([{ userId: ownerId, role: "owner" }]);
      context().expectStatements("create an organization", response.statements);
    });

    it("invites a member by email as a pending invitation", async () => {
      inviteeEmail = context().email("invitee");

      const response = await owner.post("/organization/invite-member", {
        email: inviteeEmail,
        role: "member",
        organizationId,
      });

      expect(response.status).toBe(200);
      invitationId = context().app.mailbox.latest(
        "invitation",
        inviteeEmail,
      ).secret;
      expect(response.body).toMatchObject({
        id: invitationId,
        email: inviteeEmail,
        status: "pending",
      });
      const { rows } = await context().rows.query(
        `SELECT "email", "role", "status", "inviterId" FROM "invitation"
         WHERE "id" = $1`,
        [invitationId],
      );
      expect(rows).toEqual([
        {
          email: inviteeEmail,
          role: "member",
          status: "pending",
          inviterId: ownerId,
        },
      ]);
      context().expectStatements("invite a member", response.statements);
    });

    it("makes the invitee a member when they accept", async () => {
      const invitee = context().browser();
      const inviteeId = await signUp(invitee, inviteeEmail);

      const response = await invitee.post("/organization/accept-invitation", {
        invitationId,
      });

      expect(response.status).toBe(200);
      expect(response.body.invitation).toMatchObject({ status: "accepted" });
      expect(await members()).toEqual([
        { userId: ownerId, role: "owner" },
        { userId: inviteeId, role: "member" },
      ]);
      const { rows } = await context().rows.query(
        `SELECT "status" FROM "invitation" WHERE "id" = $1`,
        [invitationId],
      );
      expect(rows).toEqual([{ status: "accepted" }]);
      context().expectStatements("accept the invitation", response.statements);
    });
  });
}
