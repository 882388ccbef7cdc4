import { countApiLoadBalancer } from "../../src/core/create/self-managed/load-balancer";
import type { CreateState } from "../../src/core/create/state";
import { type CreateError, summarizeCreate } from "../../src/core/create/summarize";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<
  CreateState & { error?: CreateError },
  "summary",
  Awaited<ReturnType<typeof summarizeCreate>>
>("summary", async (deps, state) => {
  const summary = await summarizeCreate(creationPort(deps), state, deps.clock.now());
  const lb = deps.loadBalancers;
  if (state.validation?.spec.kind !== "self-managed" || !lb || state.request.dryRun) return summary;
  return { ...summary, resources: { ...summary.resources, ...(await countApiLoadBalancer(lb, summary.cluster)) } };
});
