import type { DeleteState } from "../../src/core/create/delete-state";
import { tearDownStep } from "../../src/core/create/teardown";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

/** Used by delete-cluster and by create-cluster's failure path when the spec says onFailure "delete". */
export const handler = stepHandler<DeleteState, "teardown", Awaited<ReturnType<typeof tearDownStep>>>(
  "teardown",
  (deps, state) =>
    tearDownStep(
      creationPort(deps),
      state.request.cluster ?? state.validation?.spec.name ?? "",
      state.teardown?.changes ?? 0,
    ),
);
