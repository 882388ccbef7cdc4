import { observeAndCheck } from "../../src/core/rebalance/checks";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "checks", Awaited<ReturnType<typeof observeAndCheck>>>(
  "checks",
  observeAndCheck,
);
