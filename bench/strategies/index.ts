/** The strategies the benchmark compares, by name, in the order the table shows them. */
import { doubleThenDrain } from "./double-then-drain";
import { eksManagedUpdate } from "./eks-managed";
import { instanceRefresh } from "./instance-refresh";
import { karpenterDrift } from "./karpenter-drift";
import { oneByOne } from "./one-by-one";
import { tugboatRoll } from "./tugboat";
import type { Strategy, StrategyName } from "./types";

export const STRATEGIES: Record<StrategyName, Strategy> = {
  tugboat: {
    name: "tugboat",
    models: "Tugboat roll-node-group (default surge)",
    run: tugboatRoll,
    hasEqualBudgetVariant: false,
  },
  "eks-managed": {
    name: "eks-managed",
    models: "EKS managed node group update (maxUnavailable)",
    run: eksManagedUpdate,
    hasEqualBudgetVariant: true,
  },
  "double-then-drain": {
    name: "double-then-drain",
    models: "hellofresh/eks-rolling-update (BATCH_SIZE)",
    run: doubleThenDrain,
    hasEqualBudgetVariant: true,
  },
  "instance-refresh": {
    name: "instance-refresh",
    models: "EC2 Auto Scaling instance refresh (MinHealthyPercentage, draining terminate hook)",
    run: instanceRefresh,
    hasEqualBudgetVariant: true,
  },
  "one-by-one": {
    name: "one-by-one",
    models: "kops rolling-update (maxSurge)",
    run: oneByOne,
    hasEqualBudgetVariant: true,
  },
  "karpenter-drift": {
    name: "karpenter-drift",
    models: "Karpenter drift (NodePool disruption budget)",
    run: karpenterDrift,
    hasEqualBudgetVariant: true,
  },
};

export { STRATEGY_NAMES, type Strategy, StrategyFailed, type StrategyName } from "./types";
