import { advanceAddons } from "../../src/core/steps/upgrade/addons";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "progress", Awaited<ReturnType<typeof advanceAddons>>>(
  "progress",
  advanceAddons,
);
