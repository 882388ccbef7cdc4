/** The strategies the benchmark compares, by name, in the order the table shows them. */
import { doubleThenDrain } from "./double-then-drain";
import { eksManagedUpdate } from "./eks-managed";
import { instanceRefresh } from "./instance-refresh";
import { oneByOne } from "./one-by-one";
import { tugboatRoll } from "./tugboat";
import type { Strategy, StrategyName } from "./types";

export const STRATEGIES: Record<StrategyName, Strategy> = {
  tugboat: { name: "tugboat", models: "Tugboat roll-node-group (default surge)", run: tugboatRoll },
  "eks-managed": { name: "eks-managed", models: "EKS managed node group update", run: eksManagedUpdate },
  "double-then-drain": {
    name: "double-then-drain",
    models: "hellofresh/eks-rolling-update",
    run: doubleThenDrain,
  },
  "instance-refresh": { name: "instance-refresh", models: "EC2 Auto Scaling instance refresh", run: instanceRefresh },
  "one-by-one": { name: "one-by-one", models: "kops rolling-update (maxSurge 1)", run: oneByOne },
};

export { STRATEGY_NAMES, type Strategy, StrategyFailed, type StrategyName } from "./types";
