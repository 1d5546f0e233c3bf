import { describeAuthFlows } from "../flows/describe-auth-flows.js";
import { useFlowContext } from "../flows/flow-context.js";
import {
  describeThroughPgBouncer,
  throughPgBouncer,
} from "../support/pgbouncer.js";

// The same flows with the app's pool going through PgBouncer in
// transaction mode; they send the same statements as on a direct pool.
describeThroughPgBouncer("auth flows through PgBouncer", (bouncerUrl) => {
  describeAuthFlows(
    useFlowContext("auth_flows_pgbouncer", {
      appUrl: (url) => throughPgBouncer(bouncerUrl, url),
    }),
  );
});
