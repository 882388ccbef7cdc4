import { nextPhase } from "../../src/core/steps/upgrade/phases";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "cursor", Awaited<ReturnType<typeof nextPhase>>>("cursor", nextPhase);
