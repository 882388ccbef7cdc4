import { ensureControlPlane } from "../../src/core/create/control-plane";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<CreateState, "controlPlane", Awaited<ReturnType<typeof ensureControlPlane>>>(
  "controlPlane",
  (deps, state) => ensureControlPlane(creationPort(deps), state),
);
