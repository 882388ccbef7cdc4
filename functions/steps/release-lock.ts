import type { RollState } from "../../src/core/roll/state";
import { releaseRollLock } from "../../src/core/steps/roll/finish";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "released", Awaited<ReturnType<typeof releaseRollLock>>>(
  "released",
  releaseRollLock,
);
