import { reconcileRebalanceLeftovers } from "../../src/core/rebalance/start";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<
  RebalanceState,
  "reconcile",
  Awaited<ReturnType<typeof reconcileRebalanceLeftovers>>
>("reconcile", reconcileRebalanceLeftovers);
