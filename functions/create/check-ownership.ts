import type { DeleteState } from "../../src/core/create/delete-state";
import { checkOwnership } from "../../src/core/create/teardown";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<DeleteState, "ownership", Awaited<ReturnType<typeof checkOwnership>>>(
  "ownership",
  (deps, state) => checkOwnership(creationPort(deps), state.request.cluster ?? ""),
);
