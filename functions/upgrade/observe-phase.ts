import { observePhase } from "../../src/core/steps/upgrade/observe";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "observed", Awaited<ReturnType<typeof observePhase>>>(
  "observed",
  observePhase,
);
