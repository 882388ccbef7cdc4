import type { RollState } from "../../src/core/roll/state";
import { acquireRollLock } from "../../src/core/steps/roll/start";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "lock", Awaited<ReturnType<typeof acquireRollLock>>>(
  "lock",
  acquireRollLock,
);
