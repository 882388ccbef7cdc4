import type { RollState } from "../../src/core/roll/state";
import { preflightRoll } from "../../src/core/steps/roll/plan";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "preflight", Awaited<ReturnType<typeof preflightRoll>>>(
  "preflight",
  preflightRoll,
);
