import { checkHealth } from "../../src/core/create/health";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<CreateState, "health", Awaited<ReturnType<typeof checkHealth>>>(
  "health",
  (deps, state) => {
    const cluster = state.validation?.spec.name ?? "";
    return checkHealth(creationPort(deps), async () => (await deps.kube(cluster)).listNodes(), state, deps.clock.now());
  },
);
