import { advanceEksControlPlane } from "../../src/core/steps/upgrade/control-plane";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "progress", Awaited<ReturnType<typeof advanceEksControlPlane>>>(
  "progress",
  advanceEksControlPlane,
);
