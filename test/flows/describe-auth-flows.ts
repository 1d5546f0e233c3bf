import { afterAll, expect, it } from "vitest";

import { describeApiKeyFlow } from "./api-key-flow.js";
import { describeChangeEmailFlow } from "./change-email-flow.js";
import { describeEmailPasswordFlow } from "./email-password-flow.js";
import type { FlowContext } from "./flow-context.js";
import { describeOrganizationFlow } from "./organization-flow.js";
import { describePasswordResetFlow } from "./password-reset-flow.js";
import { measuredStatements, summarizeStatement } from "./statement-counts.js";
import { describeTwoFactorFlow } from "./two-factor-flow.js";

/**
 * Every flow, in order, on one app. `PRINT_FLOW_STATEMENTS=1` prints what
 * each step sent, one line per statement.
 */
export function describeAuthFlows(context: () => FlowContext): void {
  describeEmailPasswordFlow(context);
  describePasswordResetFlow(context);
  describeChangeEmailFlow(context);
  describeTwoFactorFlow(context);
  describeOrganizationFlow(context);
  describeApiKeyFlow(context);

  // preparedStatements "auto": PostgreSQL plans each statement once per
  // connection when the app reaches it directly; behind PgBouncer nothing
  // is named, since a named statement lives on one server session.
  it("names its statements on a direct connection and none through a pooler", () => {
    const named = context().namedStatements();
    if (context().throughPooler) {
      expect(named).toEqual([]);
      return;
    }
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter((name) => !/^pgac_[0-9a-f]{40}$/.test(name))).toEqual(
      [],
    );
  });

  afterAll(() => {
    if (process.env.PRINT_FLOW_STATEMENTS !== "1") return;
    for (const [step, statements] of measuredStatements()) {
      const lines = statements.map(summarizeStatement).join("\n  ");
      console.log(`${step}: ${statements.length}\n  ${lines}`);
    }
  });
}
