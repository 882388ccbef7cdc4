import { ensureMaterial } from "../../src/core/create/self-managed/control-plane";
import { ensureWorkers } from "../../src/core/create/self-managed/workers";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";
import { controlPlaneDeps } from "./self-managed-lib";

export const handler = stepHandler<CreateState, "nodeGroups", Awaited<ReturnType<typeof ensureWorkers>>>(
  "nodeGroups",
  (deps, state) => {
    const cluster = state.validation?.spec.name ?? "";
    return ensureWorkers(creationPort(deps), state, () =>
      ensureMaterial(controlPlaneDeps(deps, cluster), cluster, false),
    );
  },
);
