import { ensureApiLoadBalancer } from "../../src/core/create/self-managed/load-balancer";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";
import { loadBalancerPort } from "./self-managed-lib";

export const handler = stepHandler<CreateState, "apiEndpoint", Awaited<ReturnType<typeof ensureApiLoadBalancer>>>(
  "apiEndpoint",
  (deps, state) => ensureApiLoadBalancer(creationPort(deps), loadBalancerPort(deps), state),
);
