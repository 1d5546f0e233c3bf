import { describe } from "vitest";

import { describeAuthFlows } from "./describe-auth-flows.js";
import { useFlowContext } from "./flow-context.js";

// The same flows with Better Auth's advanced.database.joins on: it then
// asks the adapter for joined reads (session with user, user with
// accounts) instead of a second statement.
describe("auth flows with advanced.database.joins", () => {
  describeAuthFlows(useFlowContext("auth_flows_joins", { joins: "joins" }));
});
