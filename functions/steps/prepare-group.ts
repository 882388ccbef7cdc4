import type { RollState } from "../../src/core/roll/state";
import { prepareGroup } from "../../src/core/steps/roll/plan";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "prepared", Awaited<ReturnType<typeof prepareGroup>>>(
  "prepared",
  prepareGroup,
);
