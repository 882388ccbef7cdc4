/**
 * The workflows Tugboat deploys: name → ASL definition and the step functions its placeholders name.
 * The stack turns each entry into Lambda functions and a state machine (definitionSubstitutions); the
 * sandbox runner maps the same placeholders to the same handler modules.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export interface StepFunctionSpec {
  /** Module path from the repository root, without extension: "functions/steps/plan-roll". */
  module: string;
  /** What the step touches, for least-privilege IAM in the stack. */
  access: (
    | "autoscaling:read"
    | "autoscaling:write"
    | "ec2:read"
    | "eks:read"
    | "eks:write"
    | "state"
    | "sfn:read"
    | "kube"
    /** DescribeClusterVersions, DescribeAddonVersions, ListAddons, DescribeAddon. */
    | "eks:upgrade-read"
    /** UpdateClusterVersion and UpdateAddon. */
    | "eks:cluster-write"
    /** StartInsightsRefresh, DescribeInsightsRefresh, ListInsights. */
    | "eks:insights"
    /** CreateLaunchTemplateVersion, and what pointing a group at a version needs (RunInstances, PassRole to EC2). */
    | "ec2:launch-template-write"
    /** The public EKS-optimized AMI parameters. */
    | "ssm:ami"
    /** The etcd endpoint and client certificate secret of self-managed clusters. */
    | "etcd"
  )[];
}

export type AccessKind = StepFunctionSpec["access"][number];

export interface WorkflowSpec {
  name: string;
  file: string;
  /** Placeholder name (without "${" "}") → the step it invokes. */
  functions: Record<string, StepFunctionSpec>;
  /** Placeholder name → the workflow it starts as a child execution (states:startExecution.sync:2). */
  children?: Record<string, string>;
}

const read = ["autoscaling:read", "ec2:read", "eks:read", "state", "kube"] as const;

export const rollNodeGroup: WorkflowSpec = {
  name: "roll-node-group",
  file: join(here, "roll-node-group.asl.json"),
  functions: {
    ValidateRollInputFunctionArn: { module: "functions/steps/validate-roll-input", access: [] },
    AcquireLockFunctionArn: { module: "functions/steps/acquire-lock", access: ["state", "sfn:read"] },
    ReconcileLeftoversFunctionArn: {
      module: "functions/steps/reconcile-leftovers",
      access: [...read, "autoscaling:write"],
    },
    PlanRollFunctionArn: { module: "functions/steps/plan-roll", access: [...read] },
    PreflightRollFunctionArn: { module: "functions/steps/preflight-roll", access: [...read] },
    PrepareGroupFunctionArn: { module: "functions/steps/prepare-group", access: [...read, "autoscaling:write"] },
    SelectBatchFunctionArn: { module: "functions/steps/select-batch", access: [...read] },
    SurgeBatchFunctionArn: { module: "functions/steps/surge-batch", access: [...read, "autoscaling:write"] },
    // Raises the desired capacity when Auto Scaling placed replacements in the wrong zones.
    CheckReplacementsFunctionArn: {
      module: "functions/steps/check-replacements",
      access: [...read, "autoscaling:write"],
    },
    CordonBatchFunctionArn: { module: "functions/steps/cordon-batch", access: [...read] },
    DrainBatchFunctionArn: { module: "functions/steps/drain-batch", access: [...read] },
    TerminateBatchFunctionArn: { module: "functions/steps/terminate-batch", access: [...read, "autoscaling:write"] },
    ValidateBatchFunctionArn: { module: "functions/steps/validate-batch", access: [...read] },
    RestoreGroupFunctionArn: { module: "functions/steps/restore-group", access: [...read, "autoscaling:write"] },
    ReleaseLockFunctionArn: { module: "functions/steps/release-lock", access: ["state"] },
    SummarizeRollFunctionArn: { module: "functions/steps/summarize-roll", access: [...read] },
    StartManagedUpdateFunctionArn: { module: "functions/steps/start-managed-update", access: [...read, "eks:write"] },
    CheckManagedUpdateFunctionArn: { module: "functions/steps/check-managed-update", access: [...read] },
  },
};

/** Reactions to EC2 instance events (docs/events.md), started by functions/events/receive. */
export const reactToInstanceEvent: WorkflowSpec = {
  name: "react-to-instance-event",
  file: join(here, "react-to-instance-event.asl.json"),
  functions: {
    LookAtTargetFunctionArn: { module: "functions/events/steps/look-at-target", access: [...read, "sfn:read"] },
    DrainFunctionArn: { module: "functions/events/steps/drain", access: [...read] },
    ReplaceFunctionArn: {
      module: "functions/events/steps/replace",
      access: [...read, "autoscaling:write", "sfn:read"],
    },
    DrainAndCompleteLifecycleFunctionArn: {
      module: "functions/events/steps/drain-and-complete-lifecycle",
      access: [...read, "autoscaling:write"],
    },
    AwaitReadyAndCompleteLifecycleFunctionArn: {
      module: "functions/events/steps/await-ready-and-complete-lifecycle",
      access: [...read, "autoscaling:write"],
    },
    CompleteLifecycleFunctionArn: {
      module: "functions/events/steps/complete-lifecycle",
      access: [...read, "autoscaling:write"],
    },
    CleanupFunctionArn: { module: "functions/events/steps/cleanup", access: [...read, "sfn:read"] },
    IgnoreFunctionArn: { module: "functions/events/steps/ignore", access: [] },
    FinishReactionFunctionArn: {
      module: "functions/events/steps/finish-reaction",
      access: [...read, "autoscaling:write"],
    },
  },
};

const upgradeRead = [...read, "eks:upgrade-read"] as const;

/** Upgrade a cluster's Kubernetes version (docs/upgrade.md); node groups roll as child roll-node-group executions. */
export const upgradeCluster: WorkflowSpec = {
  name: "upgrade-cluster",
  file: join(here, "upgrade-cluster.asl.json"),
  functions: {
    ValidateUpgradeInputFunctionArn: { module: "functions/upgrade/validate-upgrade-input", access: [] },
    AcquireUpgradeLockFunctionArn: { module: "functions/upgrade/acquire-upgrade-lock", access: ["state", "sfn:read"] },
    RefreshInsightsFunctionArn: { module: "functions/upgrade/refresh-insights", access: ["eks:read", "eks:insights"] },
    AssessUpgradeFunctionArn: {
      module: "functions/upgrade/assess-upgrade",
      access: [...upgradeRead, "ssm:ami", "etcd"],
    },
    ObservePhaseFunctionArn: { module: "functions/upgrade/observe-phase", access: [...read] },
    NextPhaseFunctionArn: { module: "functions/upgrade/next-phase", access: ["state"] },
    AdvanceControlPlaneFunctionArn: {
      module: "functions/upgrade/advance-control-plane",
      access: ["eks:read", "eks:cluster-write", "eks:insights"],
    },
    AdvanceControlPlaneNodesFunctionArn: {
      module: "functions/upgrade/advance-control-plane-nodes",
      access: [...read, "autoscaling:write", "ec2:launch-template-write", "ssm:ami", "etcd"],
    },
    AdvanceAddonsFunctionArn: {
      module: "functions/upgrade/advance-addons",
      access: ["eks:read", "eks:upgrade-read", "eks:cluster-write"],
    },
    PrepareRollsFunctionArn: {
      module: "functions/upgrade/prepare-rolls",
      access: [...read, "autoscaling:write", "ec2:launch-template-write", "ssm:ami"],
    },
    CollectRollsFunctionArn: { module: "functions/upgrade/collect-rolls", access: [] },
    ReleaseUpgradeLockFunctionArn: {
      module: "functions/upgrade/release-upgrade-lock",
      access: ["state", "autoscaling:read", "autoscaling:write"],
    },
    SummarizeUpgradeFunctionArn: { module: "functions/upgrade/summarize-upgrade", access: [...read] },
  },
  children: { RollNodeGroupStateMachineArn: rollNodeGroup.name },
};

/**
 * The receive function (functions/events/receive): reads tags, groups and nodes, claims the event id in the
 * table, and starts reactions (the Events stack adds StartExecution on the reaction state machine).
 */
export const receiveFunction: StepFunctionSpec = {
  module: "functions/events/receive",
  access: ["ec2:read", "autoscaling:read", "state", "kube"],
};

export const workflows: Record<string, WorkflowSpec> = {
  [rollNodeGroup.name]: rollNodeGroup,
  [reactToInstanceEvent.name]: reactToInstanceEvent,
  [upgradeCluster.name]: upgradeCluster,
};

/** The workflows an operator starts with `tug` (roll, upgrade); reactions are started by the receive function. */
export const operatorWorkflows: WorkflowSpec[] = [rollNodeGroup, upgradeCluster];

export function loadDefinition(spec: WorkflowSpec): Record<string, unknown> {
  return JSON.parse(readFileSync(spec.file, "utf8")) as Record<string, unknown>;
}
