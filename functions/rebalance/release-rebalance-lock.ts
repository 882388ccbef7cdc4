import { releaseRebalanceLock } from "../../src/core/rebalance/finish";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "released", Awaited<ReturnType<typeof releaseRebalanceLock>>>(
  "released",
  releaseRebalanceLock,
);
