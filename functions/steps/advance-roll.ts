import type { RollState } from "../../src/core/roll/state";
import { advanceRoll } from "../../src/core/steps/roll/advance";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "pipeline", Awaited<ReturnType<typeof advanceRoll>>>(
  "pipeline",
  advanceRoll,
);
