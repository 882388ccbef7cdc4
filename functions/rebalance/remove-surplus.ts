import type { RebalanceState } from "../../src/core/rebalance/state";
import { removeSurplus } from "../../src/core/rebalance/surplus";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "removal", Awaited<ReturnType<typeof removeSurplus>>>(
  "removal",
  removeSurplus,
);
