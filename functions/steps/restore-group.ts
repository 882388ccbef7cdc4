import type { RollState } from "../../src/core/roll/state";
import { restoreGroup } from "../../src/core/steps/roll/finish";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "restored", Awaited<ReturnType<typeof restoreGroup>>>(
  "restored",
  restoreGroup,
);
