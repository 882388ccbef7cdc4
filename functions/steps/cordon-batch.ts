import type { RollState } from "../../src/core/roll/state";
import { cordonBatch } from "../../src/core/steps/roll/batch";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "drain", Awaited<ReturnType<typeof cordonBatch>>>("drain", cordonBatch);
