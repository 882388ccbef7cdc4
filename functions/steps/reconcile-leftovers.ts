import type { RollState } from "../../src/core/roll/state";
import { reconcileLeftovers } from "../../src/core/steps/roll/start";
import { stepHandler } from "../lib/step-handler";

export const handler = stepHandler<RollState, "reconcile", Awaited<ReturnType<typeof reconcileLeftovers>>>(
  "reconcile",
  reconcileLeftovers,
);
