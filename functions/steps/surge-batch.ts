import type { RollState } from "../../src/core/roll/state";
import { surgeBatch } from "../../src/core/steps/roll/batch";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "surge", Awaited<ReturnType<typeof surgeBatch>>>("surge", surgeBatch);
