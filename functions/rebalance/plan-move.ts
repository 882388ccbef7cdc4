import { planMove } from "../../src/core/rebalance/move";
import type { RebalanceState } from "../../src/core/rebalance/state";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RebalanceState, "move", Awaited<ReturnType<typeof planMove>>>("move", planMove);
