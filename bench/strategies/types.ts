/**
 * The contract between the benchmark and a node-rolling strategy. A strategy is a driver: it acts
 * on a running sandbox through the production ports (Auto Scaling, EC2, Kubernetes), as the tool it
 * models would through its own clients, and moves the virtual clock itself while it waits.
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import type { RunOptions } from "./budget";

export const STRATEGY_NAMES = [
  "tugboat",
  "eks-managed",
  "double-then-drain",
  "instance-refresh",
  "one-by-one",
  "karpenter-drift",
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** The node group a strategy rolls. */
export interface BenchGroup {
  cluster: string;
  nodeGroup: string;
}

/** What a driver knows about its own run that the sandbox cannot observe. */
export interface DriverReport {
  /** Step Functions state transitions (billed); only a workflow has them. */
  stateTransitions?: number;
  notes?: string[];
  /** A tool that predicts its own duration (Tugboat's plan): the prediction and where it came from. */
  prediction?: PredictionReport;
  /** The disruption budget the run was given (extra or unavailable nodes at a time), when it has one. */
  budget?: number;
  /** Tugboat's warm mode: the same roll on a sandbox of its own, its store seeded with a previous roll's history. */
  warm?: PredictionReport & { makespanSeconds: number; lowerBoundSeconds: number; outcome: string };
}

export interface PredictionReport {
  predictedSeconds: number;
  /** "defaults" or "history (N runs)". */
  estimateSource: string;
  /** (makespan − predicted) / makespan: positive when the run took longer than predicted. */
  predictionError: number;
}

export type StrategyDriver = (
  sandbox: Sandbox,
  group: BenchGroup,
  options: RunOptions,
) => Promise<DriverReport | undefined>;

export interface Strategy {
  name: StrategyName;
  /** The tool or service modelled, as people call it. */
  models: string;
  run: StrategyDriver;
  /** False for Tugboat: its defaults are the budget the peers are held to. */
  hasEqualBudgetVariant: boolean;
}

/**
 * The modelled tool gave up, as the real one would (an update that fails, a health check that
 * never passes). The run counts as not completed and the message is its reason.
 */
export class StrategyFailed extends Error {
  constructor(
    message: string,
    /** What the driver knew when it gave up. */
    readonly report: DriverReport = {},
  ) {
    super(message);
    this.name = "StrategyFailed";
  }
}
