import { collectRolls } from "../../src/core/steps/upgrade/node-groups";
import type { UpgradeState } from "../../src/core/upgrade/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<UpgradeState, "progress", Awaited<ReturnType<typeof collectRolls>>>(
  "progress",
  collectRolls,
);
