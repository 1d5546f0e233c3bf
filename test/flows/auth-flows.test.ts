import { describe } from "vitest";

import { describeAuthFlows } from "./describe-auth-flows.js";
import { useFlowContext } from "./flow-context.js";

// Real Better Auth flows over HTTP requests: this repository's config, the
// generated adapter and rate-limit store, a database migrated from the
// committed SQL, on a direct pg.Pool.
describe("auth flows", () => {
  describeAuthFlows(useFlowContext("auth_flows"));
});
