import type { CreateState } from "../../src/core/create/state";
import { validateCreate } from "../../src/core/create/validate";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<CreateState, "validation", Awaited<ReturnType<typeof validateCreate>>>(
  "validation",
  (deps, state) => validateCreate(creationPort(deps), state, deps.clock.now()),
);
