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

  it("sends no named prepared statement, which PgBouncer could lose", () => {
    expect(context().namedStatements()).toEqual([]);
  });

  afterAll(() => {
    if (process.env.PRINT_FLOW_STATEMENTS !== "1") return;
    for (const [step, statements] of measuredStatements()) {
      const lines = statements.map(summarizeStatement).join("\n  ");
      console.log(`${step}: ${statements.length}\n  ${lines}`);
    }
  });
}
