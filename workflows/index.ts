/**
 * The workflows Tugboat deploys: name → ASL definition and the step functions its placeholders name.
 * The stack turns each entry into Lambda functions and a state machine (definitionSubstitutions); the
 * sandbox runner maps the same placeholders to the same handler modules.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * What a step may do in AWS, for least-privilege IAM in the stack (stacks/lib/access-documents.ts) and for
 * the sandbox, which enforces the same policies. Each grant is one IAM action, named as IAM names it,
 * except three bundles whose actions only make sense together:
 *  - "kube": reach a cluster's Kubernetes API (eks:DescribeCluster for EKS; the kubeconfig in SSM or
 *    Secrets Manager for self-managed clusters);
 *  - "etcd": read the etcd client secret of a self-managed control plane;
 *  - "slack": read the Slack secret (signing secrets, bot token) in Secrets Manager;
 *  - "ec2:point-group-at-template": what Auto Scaling checks when UpdateAutoScalingGroup names a launch
 *    template version (ec2:RunInstances on the template, iam:PassRole of its instance profile's role).
 * Lists hold what the step's code calls: bench/iam-mutation.ts removes each action in turn and names the
 * workflow test that then fails; what no test reaches is justified in UNEXERCISED_GRANTS.
 */
export type AccessKind =
  | "kube"
  | "etcd"
  | "slack"
  | "ec2:point-group-at-template"
  | "autoscaling:DescribeAutoScalingGroups"
  | "autoscaling:DescribeInstanceRefreshes"
  | "autoscaling:UpdateAutoScalingGroup"
  | "autoscaling:SuspendProcesses"
  | "autoscaling:ResumeProcesses"
  | "autoscaling:TerminateInstanceInAutoScalingGroup"
  | "autoscaling:LaunchInstances"
  | "autoscaling:CompleteLifecycleAction"
  | "autoscaling:RecordLifecycleActionHeartbeat"
  | "ec2:DescribeInstances"
  | "ec2:DescribeLaunchTemplateVersions"
  | "ec2:DescribeSubnets"
  | "ec2:DescribeImages"
  | "ec2:CreateLaunchTemplateVersion"
  | "eks:DescribeCluster"
  | "eks:ListNodegroups"
  | "eks:DescribeNodegroup"
  | "eks:DescribeUpdate"
  | "eks:UpdateNodegroupVersion"
  | "eks:UpdateNodegroupConfig"
  | "eks:DescribeClusterVersions"
  | "eks:DescribeAddonVersions"
  | "eks:ListAddons"
  | "eks:DescribeAddon"
  | "eks:UpdateClusterVersion"
  | "eks:UpdateAddon"
  | "eks:StartInsightsRefresh"
  | "eks:DescribeInsightsRefresh"
  | "eks:ListInsights"
  | "ssm:GetParameters"
  | "dynamodb:GetItem"
  | "dynamodb:BatchGetItem"
  | "dynamodb:BatchWriteItem"
  | "dynamodb:PutItem"
  | "dynamodb:DeleteItem"
  | "dynamodb:UpdateItem"
  | "dynamodb:Query"
  | "states:DescribeExecution"
  | "arc-zonal-shift:ListZonalShifts"
  // Creating and deleting clusters (stacks/lib/creation-access.ts).
  | "eks:CreateCluster"
  | "eks:DeleteCluster"
  | "eks:CreateAccessEntry"
  | "eks:DescribeAccessEntry"
  | "eks:UpdateAccessEntry"
  | "eks:CreateAddon"
  | "eks:DeleteAddon"
  | "eks:CreateNodegroup"
  | "eks:DeleteNodegroup"
  | "ec2:DescribeLaunchTemplates"
  | "ec2:CreateLaunchTemplate"
  | "ec2:DeleteLaunchTemplate"
  | "autoscaling:CreateAutoScalingGroup"
  | "autoscaling:DeleteAutoScalingGroup"
  | "iam:PassRole"
  // Self-managed (kubeadm) clusters: the API server's NLB and the join material in SSM.
  | "elasticloadbalancing:DescribeLoadBalancers"
  | "elasticloadbalancing:DescribeTargetGroups"
  | "elasticloadbalancing:DescribeListeners"
  | "elasticloadbalancing:CreateLoadBalancer"
  | "elasticloadbalancing:CreateTargetGroup"
  | "elasticloadbalancing:ModifyTargetGroupAttributes"
  | "elasticloadbalancing:CreateListener"
  | "elasticloadbalancing:RegisterTargets"
  | "elasticloadbalancing:DeleteLoadBalancer"
  | "elasticloadbalancing:DeleteTargetGroup"
  | "join-material:read"
  | "join-material:write"
  | "join-material:delete"
  | "join-material:renew"
  | "cluster-access:delete";

export interface StepFunctionSpec {
  /** Module path from the repository root, without extension: "functions/steps/plan-roll". */
  module: string;
  /** What the step calls in AWS (see AccessKind). */
  access: AccessKind[];
}

export interface WorkflowSpec {
  name: string;
  file: string;
  /** Placeholder name (without "${" "}") → the step it invokes. */
  functions: Record<string, StepFunctionSpec>;
  /** Placeholder name → the workflow it starts as a child execution (states:startExecution.sync:2). */
  children?: Record<string, string>;
}

const groups = "autoscaling:DescribeAutoScalingGroups";
const instances = "ec2:DescribeInstances";
const versions = "ec2:DescribeLaunchTemplateVersions";
const nodegroup = "eks:DescribeNodegroup";
const get = "dynamodb:GetItem";
const put = "dynamodb:PutItem";
/** Gets and writes a step makes side by side go as one batch (src/adapters/aws/dynamo-coalescer.ts). */
const batchGet = "dynamodb:BatchGetItem";
const batchWrite = "dynamodb:BatchWriteItem";
const del = "dynamodb:DeleteItem";
const resize = "autoscaling:UpdateAutoScalingGroup";
const resume = "autoscaling:ResumeProcesses";
const terminate = "autoscaling:TerminateInstanceInAutoScalingGroup";
const complete = "autoscaling:CompleteLifecycleAction";
const describeExecution = "states:DescribeExecution";

/**
 * The one reconciler of dead runs' journals (core/replacement/reconcile.ts), in every workflow that runs it:
 * uncordons and untaints, puts sizes and suspended processes back, terminates launches that never joined,
 * finds the dead runs (Query, BatchGetItem) and waits for their execution to have ended.
 */
const reconcileAccess: AccessKind[] = [
  "kube",
  groups,
  resize,
  resume,
  terminate,
  get,
  put,
  "dynamodb:Query",
  "dynamodb:BatchGetItem",
  describeExecution,
];

/**
 * The approval step of the roll, upgrade and rebalance workflows (`.waitForTaskToken`): stores the approval
 * (PutItem), marks the run as waiting (PutItem), reads the run's progress message (GetItem), records where
 * it asked (UpdateItem) and posts with the bot token ("slack").
 */
const requestApproval: StepFunctionSpec = {
  module: "functions/slack/request-approval",
  access: ["slack", get, put, "dynamodb:UpdateItem"],
};

export const rollNodeGroup: WorkflowSpec = {
  name: "roll-node-group",
  file: join(here, "roll-node-group.asl.json"),
  functions: {
    ValidateRollInputFunctionArn: { module: "functions/steps/validate-roll-input", access: [] },
    AcquireLockFunctionArn: { module: "functions/steps/acquire-lock", access: [get, put, describeExecution] },
    ReconcileLeftoversFunctionArn: {
      module: "functions/steps/reconcile-leftovers",
      access: reconcileAccess,
    },
    PlanRollFunctionArn: {
      module: "functions/steps/plan-roll",
      access: ["kube", groups, instances, versions, nodegroup, get, put],
    },
    PreflightRollFunctionArn: { module: "functions/steps/preflight-roll", access: ["kube", groups, nodegroup, get] },
    PrepareGroupFunctionArn: {
      module: "functions/steps/prepare-group",
      access: ["kube", groups, resize, "autoscaling:SuspendProcesses", get, put],
    },
    // One tick of the pipelined roll: drains (kube), terminates, raises desired capacity, reads the group.
    AdvanceRollFunctionArn: {
      module: "functions/steps/advance-roll",
      access: [
        "kube",
        groups,
        resize,
        "autoscaling:LaunchInstances",
        terminate,
        instances,
        versions,
        get,
        put,
        batchGet,
        batchWrite,
      ],
    },
    ValidateBatchFunctionArn: { module: "functions/steps/validate-batch", access: ["kube", groups, get] },
    RestoreGroupFunctionArn: {
      module: "functions/steps/restore-group",
      access: ["kube", groups, resize, resume, terminate, get, put],
    },
    ReleaseLockFunctionArn: { module: "functions/steps/release-lock", access: [del] },
    SummarizeRollFunctionArn: {
      module: "functions/steps/summarize-roll",
      access: ["kube", groups, instances, versions, nodegroup, get, put],
    },
    StartManagedUpdateFunctionArn: {
      module: "functions/steps/start-managed-update",
      access: [nodegroup, "eks:UpdateNodegroupVersion", "eks:UpdateNodegroupConfig"],
    },
    // Records how long EKS took per node (estimates, src/core/estimates).
    CheckManagedUpdateFunctionArn: {
      module: "functions/steps/check-managed-update",
      access: ["eks:DescribeUpdate", get, put],
    },
    RequestApprovalFunctionArn: requestApproval,
  },
};

/** Reactions to EC2 instance events (docs/events.md), started by functions/events/receive. */
export const reactToInstanceEvent: WorkflowSpec = {
  name: "react-to-instance-event",
  file: join(here, "react-to-instance-event.asl.json"),
  functions: {
    LookAtTargetFunctionArn: {
      module: "functions/events/steps/look-at-target",
      access: ["kube", instances, get, put, "dynamodb:Query", "dynamodb:BatchGetItem", describeExecution],
    },
    // The cordon goes in the reaction's journal first (get, put).
    DrainFunctionArn: { module: "functions/events/steps/drain", access: ["kube", get, put] },
    // After taking the lock, reconciles dead runs' journals (Query, BatchGetItem, DescribeExecution, resume).
    ReplaceFunctionArn: {
      module: "functions/events/steps/replace",
      access: [
        "kube",
        groups,
        instances,
        resize,
        resume,
        terminate,
        get,
        put,
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        describeExecution,
      ],
    },
    DrainAndCompleteLifecycleFunctionArn: {
      module: "functions/events/steps/drain-and-complete-lifecycle",
      access: ["kube", instances, complete, "autoscaling:RecordLifecycleActionHeartbeat", get, put],
    },
    AwaitReadyAndCompleteLifecycleFunctionArn: {
      module: "functions/events/steps/await-ready-and-complete-lifecycle",
      access: ["kube", instances, complete],
    },
    CompleteLifecycleFunctionArn: { module: "functions/events/steps/complete-lifecycle", access: [complete] },
    CleanupFunctionArn: { module: "functions/events/steps/cleanup", access: ["kube", instances, get, del] },
    IgnoreFunctionArn: { module: "functions/events/steps/ignore", access: [] },
    FinishReactionFunctionArn: {
      module: "functions/events/steps/finish-reaction",
      access: ["kube", groups, resize, terminate, get, put, del],
    },
  },
};

/** Upgrade a cluster's Kubernetes version (docs/upgrade.md); node groups roll as child roll-node-group executions. */
export const upgradeCluster: WorkflowSpec = {
  name: "upgrade-cluster",
  file: join(here, "upgrade-cluster.asl.json"),
  functions: {
    ValidateUpgradeInputFunctionArn: { module: "functions/upgrade/validate-upgrade-input", access: [] },
    AcquireUpgradeLockFunctionArn: {
      module: "functions/upgrade/acquire-upgrade-lock",
      access: [get, put, describeExecution],
    },
    RefreshInsightsFunctionArn: {
      module: "functions/upgrade/refresh-insights",
      access: ["eks:DescribeCluster", "eks:StartInsightsRefresh", "eks:DescribeInsightsRefresh"],
    },
    // Assess reads the upgrade insights (ListInsights), also on a dry run.
    AssessUpgradeFunctionArn: {
      module: "functions/upgrade/assess-upgrade",
      access: [
        "kube",
        "etcd",
        groups,
        "ec2:DescribeSubnets",
        "eks:ListNodegroups",
        nodegroup,
        "eks:DescribeClusterVersions",
        "eks:DescribeAddonVersions",
        "eks:ListAddons",
        "eks:DescribeAddon",
        "eks:ListInsights",
        "ssm:GetParameters",
        get,
        put,
      ],
    },
    ObservePhaseFunctionArn: { module: "functions/upgrade/observe-phase", access: ["kube", instances] },
    NextPhaseFunctionArn: { module: "functions/upgrade/next-phase", access: [get] },
    AdvanceControlPlaneFunctionArn: {
      module: "functions/upgrade/advance-control-plane",
      access: [
        "eks:DescribeCluster",
        "eks:UpdateClusterVersion",
        "eks:DescribeUpdate",
        "eks:StartInsightsRefresh",
        "eks:DescribeInsightsRefresh",
        "eks:ListInsights",
        get,
        put,
      ],
    },
    AdvanceControlPlaneNodesFunctionArn: {
      module: "functions/upgrade/advance-control-plane-nodes",
      access: [
        "kube",
        "etcd",
        groups,
        resize,
        "autoscaling:SuspendProcesses",
        resume,
        terminate,
        instances,
        versions,
        "ec2:DescribeImages",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:point-group-at-template",
        "ssm:GetParameters",
        get,
        put,
      ],
    },
    AdvanceAddonsFunctionArn: {
      module: "functions/upgrade/advance-addons",
      access: ["eks:ListAddons", "eks:DescribeAddon", "eks:UpdateAddon", "eks:DescribeUpdate", get, put],
    },
    PrepareRollsFunctionArn: {
      module: "functions/upgrade/prepare-rolls",
      access: [
        groups,
        nodegroup,
        versions,
        "ec2:DescribeImages",
        "ec2:CreateLaunchTemplateVersion",
        resize,
        "ec2:point-group-at-template",
        "ssm:GetParameters",
      ],
    },
    CollectRollsFunctionArn: { module: "functions/upgrade/collect-rolls", access: [] },
    ReleaseUpgradeLockFunctionArn: {
      module: "functions/upgrade/release-upgrade-lock",
      access: [del, groups, resize, resume],
    },
    SummarizeUpgradeFunctionArn: {
      module: "functions/upgrade/summarize-upgrade",
      access: ["kube", instances, get, put],
    },
    RequestApprovalFunctionArn: requestApproval,
  },
  children: { RollNodeGroupStateMachineArn: rollNodeGroup.name },
};

const describeCluster = "eks:DescribeCluster";
const subnets = "ec2:DescribeSubnets";
const templates = "ec2:DescribeLaunchTemplates";
/** What the summaries read back: everything of the cluster, by type. */
const countResources: AccessKind[] = [
  describeCluster,
  "eks:ListNodegroups",
  nodegroup,
  "eks:ListAddons",
  groups,
  templates,
];

/** Create a cluster from a spec (docs/create.md). */
export const createCluster: WorkflowSpec = {
  name: "create-cluster",
  file: join(here, "create-cluster.asl.json"),
  functions: {
    ValidateCreateFunctionArn: {
      module: "functions/create/validate-create",
      access: [subnets, "eks:DescribeClusterVersions"],
    },
    AcquireCreateLockFunctionArn: {
      module: "functions/create/acquire-create-lock",
      access: [get, put, describeExecution],
    },
    CreateControlPlaneFunctionArn: {
      module: "functions/create/create-control-plane",
      access: [describeCluster, "eks:CreateCluster", "iam:PassRole", subnets],
    },
    CheckControlPlaneFunctionArn: { module: "functions/create/check-control-plane", access: [describeCluster] },
    PrepareClusterFunctionArn: {
      module: "functions/create/prepare-cluster",
      access: [
        "kube",
        "eks:DescribeAccessEntry",
        "eks:CreateAccessEntry",
        "eks:UpdateAccessEntry",
        "eks:DescribeAddon",
        "eks:CreateAddon",
      ],
    },
    CreateNodeGroupsFunctionArn: {
      module: "functions/create/create-node-groups",
      access: [
        describeCluster,
        subnets,
        nodegroup,
        "eks:CreateNodegroup",
        "iam:PassRole",
        "ssm:GetParameters",
        templates,
        "ec2:CreateLaunchTemplate",
        groups,
        "autoscaling:CreateAutoScalingGroup",
        "ec2:point-group-at-template",
        "autoscaling:SuspendProcesses",
      ],
    },
    CheckHealthFunctionArn: {
      module: "functions/create/check-health",
      access: ["kube", nodegroup, groups, "eks:DescribeAddon", "eks:CreateAddon"],
    },
    TearDownFunctionArn: { module: "functions/create/tear-down", access: teardownAccess() },
    SummarizeCreateFunctionArn: {
      module: "functions/create/summarize-create",
      // The API server's load balancer of a self-managed cluster is read back too.
      access: [
        ...countResources,
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTargetGroups",
      ],
    },
    // kind self-managed (src/core/create/self-managed).
    SelfManagedLoadBalancerFunctionArn: {
      module: "functions/create/self-managed-load-balancer",
      access: [
        subnets,
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:CreateListener",
      ],
    },
    SelfManagedJoinControlPlaneFunctionArn: {
      module: "functions/create/self-managed-join-control-plane",
      access: [
        "kube",
        "etcd",
        subnets,
        groups,
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:RegisterTargets",
        "join-material:read",
        "join-material:write",
        "join-material:renew",
        "ssm:GetParameters",
        templates,
        "ec2:CreateLaunchTemplate",
        "autoscaling:CreateAutoScalingGroup",
        "ec2:point-group-at-template",
      ],
    },
    SelfManagedJoinWorkersFunctionArn: {
      module: "functions/create/self-managed-join-workers",
      access: [
        subnets,
        groups,
        "join-material:read",
        "ssm:GetParameters",
        templates,
        "ec2:CreateLaunchTemplate",
        "autoscaling:CreateAutoScalingGroup",
        "ec2:point-group-at-template",
        "autoscaling:SuspendProcesses",
      ],
    },
    SelfManagedCheckHealthFunctionArn: {
      module: "functions/create/self-managed-check-health",
      access: ["kube", "etcd", subnets, groups, "join-material:delete"],
    },
    ReleaseClusterLockFunctionArn: { module: "functions/create/release-cluster-lock", access: [del] },
  },
};

function teardownAccess(): AccessKind[] {
  return [
    ...countResources,
    "eks:DeleteNodegroup",
    "autoscaling:DeleteAutoScalingGroup",
    "ec2:DeleteLaunchTemplate",
    "eks:DeleteAddon",
    "eks:DeleteCluster",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DeleteTargetGroup",
    "join-material:delete",
    "cluster-access:delete",
  ];
}

/** Delete a cluster Tugboat created, in reverse order (docs/create.md). */
export const deleteCluster: WorkflowSpec = {
  name: "delete-cluster",
  file: join(here, "delete-cluster.asl.json"),
  functions: {
    CheckOwnershipFunctionArn: { module: "functions/create/check-ownership", access: [describeCluster, groups] },
    AcquireDeleteLockFunctionArn: {
      module: "functions/create/acquire-delete-lock",
      access: [get, put, describeExecution],
    },
    TearDownFunctionArn: { module: "functions/create/tear-down", access: teardownAccess() },
    SummarizeDeleteFunctionArn: { module: "functions/create/summarize-delete", access: countResources },
    ReleaseClusterLockFunctionArn: { module: "functions/create/release-cluster-lock", access: [del] },
  },
};

/**
 * Rebalance a cluster's multi-AZ node groups across zones (docs/rebalance.md): started by `tug rebalance`,
 * a schedule, the periodic Pending-zonal-pods check and failed launches (workflows/rebalance-rules.ts).
 */
export const rebalanceAzs: WorkflowSpec = {
  name: "rebalance-azs",
  file: join(here, "rebalance-azs.asl.json"),
  functions: {
    // A failed launch names only its group: its tags name the cluster.
    ValidateRebalanceInputFunctionArn: { module: "functions/rebalance/validate-rebalance-input", access: [groups] },
    AcquireRebalanceLockFunctionArn: {
      module: "functions/rebalance/acquire-rebalance-lock",
      access: [get, put, describeExecution],
    },
    ReconcileRebalanceLeftoversFunctionArn: {
      module: "functions/rebalance/reconcile-rebalance-leftovers",
      access: reconcileAccess,
    },
    ObserveAndCheckFunctionArn: {
      module: "functions/rebalance/observe-and-check",
      access: ["kube", groups, "autoscaling:DescribeInstanceRefreshes", "arc-zonal-shift:ListZonalShifts", get, put],
    },
    PlanMoveFunctionArn: {
      module: "functions/rebalance/plan-move",
      access: ["kube", groups, resize, "autoscaling:SuspendProcesses", get, put],
    },
    // Terminates a launch that landed outside its short zone (a capacity failure) before it holds a pod.
    CheckLaunchesFunctionArn: {
      module: "functions/rebalance/check-launches",
      access: ["kube", groups, terminate, get, put],
    },
    DrainSurplusFunctionArn: { module: "functions/rebalance/drain-surplus", access: ["kube", groups, get, put] },
    RemoveSurplusFunctionArn: {
      module: "functions/rebalance/remove-surplus",
      access: ["kube", groups, terminate, resize, get, put],
    },
    ValidateRebalanceFunctionArn: { module: "functions/rebalance/validate-rebalance", access: ["kube", groups, get] },
    // Undoes the run's own journal (core/replacement/reconcile.ts): cordons, launches that never joined, sizes.
    RestoreRebalanceFunctionArn: {
      module: "functions/rebalance/restore-rebalance",
      access: ["kube", groups, resize, terminate, get, put],
    },
    ReleaseRebalanceLockFunctionArn: { module: "functions/rebalance/release-rebalance-lock", access: [del] },
    SummarizeRebalanceFunctionArn: { module: "functions/rebalance/summarize-rebalance", access: [get, put] },
    RequestApprovalFunctionArn: requestApproval,
  },
};

/**
 * The receive function (functions/events/receive): reads tags, groups and nodes, claims the event id in the
 * table, and starts reactions (the Events stack adds StartExecution on the reaction state machine).
 */
export const receiveFunction: StepFunctionSpec = {
  module: "functions/events/receive",
  access: ["kube", instances, groups, get, put, "dynamodb:UpdateItem", del],
};

/**
 * The Slack endpoint (functions/slack/http): verifies with the signing secrets ("slack"), reads locks and
 * runs (GetItem, Query, BatchGetItem), asks a run to stop (UpdateItem on the lock), decides approvals
 * (GetItem, conditional UpdateItem) and records the progress message (PutItem). The ChatOps stack adds
 * StartExecution on the operator workflows and SendTaskSuccess/SendTaskFailure (stacks/lib/access-documents.ts).
 */
export const slackFunction: StepFunctionSpec = {
  module: "functions/slack/http",
  access: ["slack", get, put, "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:BatchGetItem"],
};

/** Updates the progress messages of runs started from Slack, on a schedule. */
export const slackProgressFunction: StepFunctionSpec = {
  module: "functions/slack/progress",
  access: ["slack", get, put, "dynamodb:Query", "dynamodb:BatchGetItem"],
};

export const workflows: Record<string, WorkflowSpec> = {
  [rollNodeGroup.name]: rollNodeGroup,
  [reactToInstanceEvent.name]: reactToInstanceEvent,
  [upgradeCluster.name]: upgradeCluster,
  [rebalanceAzs.name]: rebalanceAzs,
  [createCluster.name]: createCluster,
  [deleteCluster.name]: deleteCluster,
};

/** The workflows an operator starts with `tug`; reactions are started by the receive function. */
export const operatorWorkflows: WorkflowSpec[] = [
  rollNodeGroup,
  upgradeCluster,
  rebalanceAzs,
  createCluster,
  deleteCluster,
];

export function loadDefinition(spec: WorkflowSpec): Record<string, unknown> {
  return JSON.parse(readFileSync(spec.file, "utf8")) as Record<string, unknown>;
}

/**
 * The workflows a Slack command may start (src/core/chatops/commands.ts): creating and deleting clusters
 * stay with `tug`, where the spec is reviewed as a file.
 */
export const chatWorkflows: WorkflowSpec[] = [rollNodeGroup, upgradeCluster, rebalanceAzs];
