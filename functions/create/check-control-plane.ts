import { checkControlPlane } from "../../src/core/create/control-plane";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<CreateState, "controlPlane", Awaited<ReturnType<typeof checkControlPlane>>>(
  "controlPlane",
  (deps, state) => checkControlPlane(creationPort(deps), state, deps.clock.now()),
);
