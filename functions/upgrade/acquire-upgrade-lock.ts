import { acquireUpgradeLock } from "../../src/core/steps/upgrade/start";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "lock", Awaited<ReturnType<typeof acquireUpgradeLock>>>(
  "lock",
  acquireUpgradeLock,
);
