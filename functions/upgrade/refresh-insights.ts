import { refreshInsights } from "../../src/core/steps/upgrade/start";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "insightsRefresh", Awaited<ReturnType<typeof refreshInsights>>>(
  "insightsRefresh",
  refreshInsights,
);
