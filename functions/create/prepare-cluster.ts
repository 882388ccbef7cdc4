import { tugboatRbac } from "../../src/adapters/kube/rbac-manifest";
import { prepareCluster } from "../../src/core/create/prepare";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort, rbacApplier } from "./lib";

export const handler = stepHandler<CreateState, "prepared", Awaited<ReturnType<typeof prepareCluster>>>(
  "prepared",
  async (deps, state) =>
    prepareCluster(creationPort(deps), await rbacApplier(deps), tugboatRbac({ forceDrain: false }), state),
);
