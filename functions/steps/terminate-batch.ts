import type { RollState } from "../../src/core/roll/state";
import { terminateBatch } from "../../src/core/steps/roll/drain";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "terminated", Awaited<ReturnType<typeof terminateBatch>>>(
  "terminated",
  terminateBatch,
);
