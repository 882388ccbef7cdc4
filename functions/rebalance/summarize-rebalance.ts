import { summarizeRebalance } from "../../src/core/rebalance/finish";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "summary", Awaited<ReturnType<typeof summarizeRebalance>>>(
  "summary",
  summarizeRebalance,
);
