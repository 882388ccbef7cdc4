import type { RollState } from "../../src/core/roll/state";
import { planRollStep } from "../../src/core/steps/roll/plan";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "plan", Awaited<ReturnType<typeof planRollStep>>>("plan", planRollStep);
