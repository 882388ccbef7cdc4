import type { RebalanceState } from "../../src/core/rebalance/state";
import { drainSurplus } from "../../src/core/rebalance/surplus";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "drain", Awaited<ReturnType<typeof drainSurplus>>>(
  "drain",
  drainSurplus,
);
