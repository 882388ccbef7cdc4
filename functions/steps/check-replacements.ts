import type { RollState } from "../../src/core/roll/state";
import { checkReplacements } from "../../src/core/steps/roll/batch";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "ready", Awaited<ReturnType<typeof checkReplacements>>>(
  "ready",
  checkReplacements,
);
