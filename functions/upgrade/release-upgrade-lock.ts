import { releaseUpgradeLock } from "../../src/core/steps/upgrade/finish";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "release", Awaited<ReturnType<typeof releaseUpgradeLock>>>(
  "release",
  releaseUpgradeLock,
);
