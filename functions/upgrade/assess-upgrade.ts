import { assessUpgrade } from "../../src/core/steps/upgrade/assess";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "assessment", Awaited<ReturnType<typeof assessUpgrade>>>(
  "assessment",
  assessUpgrade,
);
