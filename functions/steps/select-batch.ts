import type { RollState } from "../../src/core/roll/state";
import { selectBatch } from "../../src/core/steps/roll/batch";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "batch", Awaited<ReturnType<typeof selectBatch>>>("batch", selectBatch);
