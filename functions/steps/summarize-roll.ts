import type { RollState } from "../../src/core/roll/state";
import { summarizeRoll } from "../../src/core/steps/roll/finish";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "summary", Awaited<ReturnType<typeof summarizeRoll>>>(
  "summary",
  summarizeRoll,
);
