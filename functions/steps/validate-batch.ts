import type { RollState } from "../../src/core/roll/state";
import { validateBatch } from "../../src/core/steps/roll/drain";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "validation", Awaited<ReturnType<typeof validateBatch>>>(
  "validation",
  validateBatch,
);
