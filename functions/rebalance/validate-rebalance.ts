import { validateRebalance } from "../../src/core/rebalance/finish";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "validation", Awaited<ReturnType<typeof validateRebalance>>>(
  "validation",
  validateRebalance,
);
