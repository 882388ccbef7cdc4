import type { RollState } from "../../src/core/roll/state";
import { drainBatch } from "../../src/core/steps/roll/drain";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "drain", Awaited<ReturnType<typeof drainBatch>>>("drain", drainBatch);
