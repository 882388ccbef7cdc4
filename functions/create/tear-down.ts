import type { DeleteState } from "../../src/core/create/delete-state";
import { tearDownStep } from "../../src/core/create/teardown";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";
import { tearDownSelfManagedExtras } from "./self-managed-lib";

/** Used by delete-cluster and by create-cluster's failure path when the spec says onFailure "delete". */
export const handler = stepHandler<DeleteState, "teardown", Awaited<ReturnType<typeof tearDownStep>>>(
  "teardown",
  async (deps, state) => {
    const cluster = state.request.cluster ?? state.validation?.spec.name ?? "";
    const result = await tearDownStep(creationPort(deps), cluster, state.teardown?.changes ?? 0);
    return tearDownSelfManagedExtras(deps, cluster, result);
  },
);
