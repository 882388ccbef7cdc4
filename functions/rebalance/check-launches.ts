import { checkLaunches } from "../../src/core/rebalance/launch";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "launch", Awaited<ReturnType<typeof checkLaunches>>>(
  "launch",
  checkLaunches,
);
