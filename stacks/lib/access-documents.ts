/**
 * Least-privilege IAM as plain policy statements, from the `access` list a workflow spec declares
 * (workflows/index.ts). Pure: no CDK import, so the stack (access-policies.ts wraps each statement in a
 * CDK PolicyStatement, with tokens for partition, region, account and table) and the sandbox (which
 * enforces the same statements with its own account, region and table) build them with one function,
 * and what the sandbox enforces is what the stack deploys.
 *
 * Each kind maps to named actions only (never a service wildcard), on the narrowest resources the API
 * allows. Describe* calls of Auto Scaling and EC2, and EKS's catalog reads, support no resource-level
 * scoping, so they are the only statements on "*".
 *
 * Auto Scaling mutations are the dangerous ones (they terminate instances), so they are held to groups
 * tagged for the clusters this stage manages: Tugboat's own tag on self-managed groups, EKS's tag on the
 * groups behind managed node groups.
 */
import type { AccessKind } from "../../workflows/index";
import { creationActionsOf, creationStatements } from "./creation-access";

export type { AccessKind };

export interface PolicyStatementJson {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocumentJson {
  Version: "2012-10-17";
  Statement: PolicyStatementJson[];
}

/** Where the statements point: literal values in the sandbox, CDK tokens in the stack. */
export interface AccessTarget {
  partition: string;
  region: string;
  account: string;
  tableArn: string;
  /** Clusters this stage manages; empty means "any cluster carrying the tag". */
  clusters: string[];
  /** Names of Tugboat's state machines, whose executions a step may describe (stale-lock recovery). */
  stateMachineNames: string[];
}

/** The tag Tugboat looks for on self-managed Auto Scaling groups (src/core/roll/read-group.ts). */
export const TUGBOAT_CLUSTER_TAG = "tugboat:cluster";
/** The tag EKS puts on the Auto Scaling group of a managed node group. */
export const EKS_CLUSTER_TAG = "eks:cluster-name";

/** Auto Scaling mutations: held to groups tagged for the managed clusters. */
export const AUTOSCALING_WRITE_ACTIONS = [
  "autoscaling:UpdateAutoScalingGroup",
  "autoscaling:SuspendProcesses",
  "autoscaling:ResumeProcesses",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
  "autoscaling:LaunchInstances",
  "autoscaling:CompleteLifecycleAction",
  "autoscaling:RecordLifecycleActionHeartbeat",
];

/** Reads with no resource-level scoping in IAM (Describe* of Auto Scaling and EC2, EKS's catalogs). */
const UNSCOPED_READS = {
  AutoScalingRead: ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes"],
  Ec2Read: ["ec2:DescribeInstances", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeSubnets", "ec2:DescribeImages"],
  EksCatalogRead: ["eks:DescribeClusterVersions", "eks:DescribeAddonVersions"],
  ZonalShiftRead: ["arc-zonal-shift:ListZonalShifts"],
};

const EKS_CLUSTER_ACTIONS = [
  "eks:DescribeCluster",
  "eks:ListNodegroups",
  "eks:ListAddons",
  "eks:UpdateClusterVersion",
  "eks:StartInsightsRefresh",
  "eks:DescribeInsightsRefresh",
  "eks:ListInsights",
];
const EKS_NODEGROUP_ACTIONS = ["eks:DescribeNodegroup", "eks:UpdateNodegroupVersion", "eks:UpdateNodegroupConfig"];
const EKS_ADDON_ACTIONS = ["eks:DescribeAddon", "eks:UpdateAddon"];

/** The state store's and the event ledger's calls (src/adapters/aws/state-store.ts, event-ledger.ts). */
export const STATE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
  "dynamodb:UpdateItem",
  "dynamodb:Query",
];

/** The actions each grant of workflows/index.ts stands for (a bundle, or the one action it names). */
export function actionsOf(kind: AccessKind): string[] {
  switch (kind) {
    case "kube":
      return ["ssm:GetParameter", "secretsmanager:GetSecretValue", "eks:DescribeCluster"];
    case "etcd":
    case "slack":
      return ["secretsmanager:GetSecretValue"];
    case "ec2:point-group-at-template":
      return ["ec2:RunInstances", "iam:PassRole"];
    default:
      return creationActionsOf(kind) ?? [kind];
  }
}

/**
 * The statements for a step's grants: one statement per kind of resource, holding the granted actions that
 * act on it, so each action appears once in a role's policy (removing it from the list removes it).
 */
export function accessStatements(kinds: readonly AccessKind[], t: AccessTarget): PolicyStatementJson[] {
  const granted = new Set(kinds);
  if (granted.has("kube") && granted.has("eks:DescribeCluster")) {
    throw new Error(`access list [${kinds.join(", ")}]: "kube" already grants eks:DescribeCluster; leave it out`);
  }
  const pick = (actions: string[]) => actions.filter((a) => granted.has(a as AccessKind));
  const statements: PolicyStatementJson[] = [];
  const add = (
    sid: string,
    actions: string[],
    resources: string[],
    conditions?: Record<string, Record<string, unknown>>,
  ) => {
    if (actions.length > 0) statements.push(allow(sid, actions, resources, conditions));
  };

  for (const [sid, actions] of Object.entries(UNSCOPED_READS)) add(sid, pick(actions), ["*"]);
  const asgWrites = pick(AUTOSCALING_WRITE_ACTIONS);
  add(
    "AutoScalingWriteTugboatGroups",
    asgWrites,
    [autoScalingGroupArns(t)],
    clusterTagCondition(TUGBOAT_CLUSTER_TAG, t.clusters),
  );
  add(
    "AutoScalingWriteEksManagedGroups",
    asgWrites,
    [autoScalingGroupArns(t)],
    clusterTagCondition(EKS_CLUSTER_TAG, t.clusters),
  );

  add("EksClusters", pick(EKS_CLUSTER_ACTIONS), eksClusterArns(t));
  add("EksNodegroups", pick(EKS_NODEGROUP_ACTIONS), eksNodegroupArns(t));
  add("EksAddons", pick(EKS_ADDON_ACTIONS), eksAddonArns(t));
  // An update is described through what it updates: the cluster, one of its node groups or add-ons.
  add("EksUpdates", pick(["eks:DescribeUpdate"]), [...eksClusterArns(t), ...eksNodegroupArns(t), ...eksAddonArns(t)]);

  add("CreateLaunchTemplateVersions", pick(["ec2:CreateLaunchTemplateVersion"]), [arn(t, "ec2", "launch-template/*")], {
    StringLike: { [`aws:ResourceTag/${TUGBOAT_CLUSTER_TAG}`]: eachCluster(t) },
  });
  if (granted.has("ec2:point-group-at-template")) {
    // Pointing an Auto Scaling group at a launch template version requires permission to launch from it,
    // and to pass the role of the instance profile it names, to EC2 only.
    add("LaunchFromTemplates", ["ec2:RunInstances"], [arn(t, "ec2", "launch-template/*")]);
    add("PassNodeRoleToEc2", ["iam:PassRole"], [`arn:${t.partition}:iam::${t.account}:role/*`], {
      StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
    });
  }
  add("EksOptimizedAmiParameters", pick(["ssm:GetParameters"]), [
    `arn:${t.partition}:ssm:${t.region}::parameter/aws/service/eks/optimized-ami/*`,
    `arn:${t.partition}:ssm:${t.region}::parameter/aws/service/bottlerocket/*`,
  ]);
  if (granted.has("etcd")) {
    add(
      "EtcdClientSecret",
      ["secretsmanager:GetSecretValue"],
      perCluster(t, "secretsmanager", (c) => `secret:tugboat/${c}/etcd-??????`),
    );
  }
  if (granted.has("slack")) {
    add(
      "SlackSecret",
      ["secretsmanager:GetSecretValue"],
      [arn(t, "secretsmanager", `secret:${SLACK_SECRET_NAME}-??????`)],
    );
  }
  add("StateTable", pick(STATE_ACTIONS), [t.tableArn]);
  add(
    "DescribeTugboatExecutions",
    pick(["states:DescribeExecution"]),
    t.stateMachineNames.map((name) => arn(t, "states", `execution:${name}:*`)),
  );
  if (granted.has("kube")) {
    add(
      "KubeconfigParameter",
      ["ssm:GetParameter"],
      perCluster(t, "ssm", (c) => `parameter/tugboat/${c}/kubeconfig`),
    );
    // Secrets Manager appends "-" and six random characters to a secret's ARN.
    add(
      "KubeconfigSecret",
      ["secretsmanager:GetSecretValue"],
      perCluster(t, "secretsmanager", (c) => `secret:tugboat/${c}/kubeconfig-??????`),
    );
    add("KubeEndpoint", ["eks:DescribeCluster"], eksClusterArns(t));
  }
  creationStatements(granted, t, add);
  const known = new Set(statements.flatMap((s) => s.Action));
  const unknown = kinds.flatMap(actionsOf).filter((a) => !known.has(a));
  if (unknown.length > 0) throw new Error(`access list names actions no statement grants: ${unknown.join(", ")}`);
  return statements;
}

export function policyDocument(statements: PolicyStatementJson[]): PolicyDocumentJson {
  return { Version: "2012-10-17", Statement: statements };
}

/** The Secrets Manager secret holding Slack's signing secrets and bot token (JSON). */
export const SLACK_SECRET_NAME = "tugboat/slack";

/**
 * The Slack function may start the operator workflows (roll, upgrade) and hand a waiting approval task
 * its result; nothing else in Step Functions (no StopExecution: an abort goes through the cluster lock,
 * which stops a run between batches with capacity restored). A task token of a service integration
 * names no resource IAM can scope, so SendTaskSuccess/SendTaskFailure are on "*": a token is only
 * known to whoever holds it, and the Slack function finds tokens only in Tugboat's own table.
 */
export function slackStepFunctionsStatements(startableStateMachineArns: string[]): PolicyStatementJson[] {
  return [
    allow("StartTugboatWorkflowsFromSlack", ["states:StartExecution"], startableStateMachineArns),
    allow("AnswerApprovalTasks", ["states:SendTaskSuccess", "states:SendTaskFailure"], ["*"]),
  ];
}

/** The receive function may start reactions, and nothing else in Step Functions. */
export function startReactionsStatement(stateMachineArn: string): PolicyStatementJson {
  return allow("StartReactions", ["states:StartExecution"], [stateMachineArn]);
}

/**
 * What a person (or CI) running `tug` against the deployed stack needs: start and follow the roll and
 * upgrade workflows (src/cli/remote.ts), read locks and runs (`tug status`: GetItem, Query, BatchGetItem)
 * ask a run to stop (`tug abort`: a conditional UpdateItem on the lock) and answer a run waiting for an
 * approval (`tug approve`: a conditional UpdateItem on the approval, then SendTaskSuccess/SendTaskFailure,
 * on "*" as for the Slack function: task tokens name no resource). Nothing that changes a cluster: the
 * workflows do that under their own roles.
 */
export function operatorStatements(
  t: AccessTarget,
  startable: { stateMachineArns: string[]; stateMachineNames: string[] },
): PolicyStatementJson[] {
  return [
    allow("StartTugboatWorkflows", ["states:StartExecution"], startable.stateMachineArns),
    allow(
      "FollowTugboatExecutions",
      ["states:DescribeExecution", "states:GetExecutionHistory"],
      startable.stateMachineNames.map((name) => arn(t, "states", `execution:${name}:*`)),
    ),
    allow(
      "ReadAndAbortRuns",
      ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
      [t.tableArn],
    ),
    allow("AnswerApprovalsFromTug", ["states:SendTaskSuccess", "states:SendTaskFailure"], ["*"]),
  ];
}

/**
 * A workflow's state machine role: invoke exactly the step functions its definition names, and for child
 * workflows (states:startExecution.sync:2) start, follow and stop them, through the managed rule by which
 * Step Functions learns that a child ended.
 */
export function stateMachineStatements(
  t: AccessTarget,
  refs: { functionArns: string[]; childStateMachineNames: string[] },
): PolicyStatementJson[] {
  const statements = [allow("InvokeWorkflowSteps", ["lambda:InvokeFunction"], refs.functionArns)];
  if (refs.childStateMachineNames.length === 0) return statements;
  return [
    ...statements,
    allow(
      "StartChildWorkflows",
      ["states:StartExecution"],
      refs.childStateMachineNames.map((name) => arn(t, "states", `stateMachine:${name}`)),
    ),
    allow(
      "FollowChildWorkflows",
      ["states:DescribeExecution", "states:StopExecution"],
      refs.childStateMachineNames.map((name) => arn(t, "states", `execution:${name}:*`)),
    ),
    allow(
      "ChildCompletionEvents",
      ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      [arn(t, "events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")],
    ),
  ];
}

/**
 * With a cluster list: the tag must name one of them. Without: the tag must at least be present, so a
 * group nobody tagged for a cluster is never touched.
 */
function clusterTagCondition(tag: string, clusters: string[]): Record<string, Record<string, unknown>> {
  const key = `autoscaling:ResourceTag/${tag}`;
  return clusters.length > 0 ? { StringEquals: { [key]: clusters } } : { Null: { [key]: "false" } };
}

function autoScalingGroupArns(t: AccessTarget): string {
  return arn(t, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*");
}

function eksClusterArns(t: AccessTarget): string[] {
  return eachCluster(t).map((c) => arn(t, "eks", `cluster/${c}`));
}

function eksAddonArns(t: AccessTarget): string[] {
  return eachCluster(t).map((c) => arn(t, "eks", `addon/${c}/*/*`));
}

function eksNodegroupArns(t: AccessTarget): string[] {
  return eachCluster(t).map((c) => arn(t, "eks", `nodegroup/${c}/*/*`));
}

function perCluster(t: AccessTarget, service: string, resource: (cluster: string) => string): string[] {
  return eachCluster(t).map((c) => arn(t, service, resource(c)));
}

function eachCluster(t: AccessTarget): string[] {
  return t.clusters.length > 0 ? t.clusters : ["*"];
}

function arn(t: AccessTarget, service: string, resource: string): string {
  return `arn:${t.partition}:${service}:${t.region}:${t.account}:${resource}`;
}

function allow(
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, Record<string, unknown>>,
): PolicyStatementJson {
  for (const action of actions) {
    if (action.includes("*")) throw new Error(`IAM statement ${sid}: action ${action} is a wildcard`);
  }
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: resources,
    ...(conditions ? { Condition: conditions } : {}),
  };
}

/**
 * Grants no workflow test exercises, each with the reason it is kept. bench/iam-mutation.ts reports every
 * other grant that no recorded call needs as an over-grant. Keys: "<Sid>:<action>" or "<Sid>:*" (any role),
 * "<module>" (every grant of that step), "<module> <Sid>:<action>" (one grant of one step).
 */
export const UNEXERCISED_GRANTS: Record<string, string> = {
  "KubeconfigSecret:secretsmanager:GetSecretValue":
    "a self-managed cluster may keep its kubeconfig in Secrets Manager instead of SSM (src/adapters/kube/access.ts); the built-in scenarios use SSM",
  "KubeconfigParameter:ssm:GetParameter":
    "the kubeconfig of a self-managed cluster, read by every step that reaches Kubernetes; the tests run this step on EKS clusters only",
  "KubeEndpoint:eks:DescribeCluster": "the endpoint of an EKS cluster, read by every step that reaches Kubernetes",
  "AutoScalingWriteEksManagedGroups:*":
    "the same call on the Auto Scaling group behind an EKS managed node group, tagged eks:cluster-name instead of tugboat:cluster",
  "LaunchFromTemplates:ec2:RunInstances":
    "a group pinned to a launch template version number is pointed at the new version (pointGroupAtImage); the built-in groups follow $Latest",
  "PassNodeRoleToEc2:iam:PassRole":
    "pointing a group at a template whose instance profile names a role; the built-in templates name none",
  "FollowChildWorkflows:*":
    "what Step Functions does for startExecution.sync:2 (follow or stop the child); the sandbox runner awaits the child itself",
  "ChildCompletionEvents:*": "the managed rule through which Step Functions learns that a .sync:2 child ended",
  "functions/events/steps/drain-and-complete-lifecycle":
    "a terminating lifecycle hook whose drain outlasts one step (heartbeats, then CompleteLifecycleAction); no workflow test holds a hook that long",
  "functions/events/steps/replace DescribeTugboatExecutions:states:DescribeExecution":
    "a replacement that takes the lock asks whether the runs still marked running are dead before reconciling their journals (src/core/replacement/reconcile.ts)",
  "functions/events/steps/replace AutoScalingWriteTugboatGroups:autoscaling:ResumeProcesses":
    "a replacement that takes the lock over from a dead roll resumes the processes the roll suspended (src/core/replacement/reconcile.ts)",
  "functions/events/steps/finish-reaction":
    "undoes a replacement when a reaction fails after its surge (src/core/events/react/finish-step.ts); no test fails a reaction there",
  "functions/events/steps/cleanup StateTable:dynamodb:DeleteItem":
    "releases the cluster lock a failed reaction holds (src/core/events/react/cleanup-step.ts)",
  "functions/events/steps/look-at-target StateTable:dynamodb:Query":
    "finds the run that holds an instance through the cluster's runs (src/core/events/react/holder.ts)",
  "functions/events/steps/look-at-target StateTable:dynamodb:BatchGetItem":
    "finds the run that holds an instance through the cluster's runs (src/core/events/react/holder.ts)",
  "functions/steps/start-managed-update EksNodegroups:eks:UpdateNodegroupConfig":
    "a roll of a managed node group given maxSurge sets EKS's maxUnavailable first (src/core/steps/roll/managed.ts)",
  "functions/steps/advance-roll AutoScalingWriteTugboatGroups:autoscaling:UpdateAutoScalingGroup":
    "raises the group's max size when a rerun's floors include a dead run's replacements and the surge needs more room than Prepare group gave (src/core/steps/roll/advance.ts)",
  "functions/steps/reconcile-leftovers AutoScalingWriteTugboatGroups:autoscaling:UpdateAutoScalingGroup":
    "restores the min/max a dead run raised; the crash test's roll dies with desired at the raised max, which the restore keeps (src/core/steps/roll/start.ts)",
  "functions/upgrade/prepare-rolls AutoScalingWriteTugboatGroups:autoscaling:UpdateAutoScalingGroup":
    "points a group pinned to a launch template version number at the new version; the built-in groups follow $Latest",
  "functions/upgrade/release-upgrade-lock":
    "restores a control-plane group when an upgrade stops during a control-plane roll (src/core/steps/upgrade/finish.ts)",
  "functions/rebalance/restore-rebalance AutoScalingWriteTugboatGroups:autoscaling:UpdateAutoScalingGroup":
    "puts the max size back when a move fails after removing part of its surplus (src/core/rebalance/finish.ts); the tests' moves fail before any removal",
  "functions/events/receive StateTable:*":
    "the event ledger claims and settles event ids in the table (src/adapters/aws/event-ledger.ts); the sandbox keeps its ledger in a table of its own",
};

/** Why a grant no recorded call needs is kept, if UNEXERCISED_GRANTS says. */
export function unexercisedReason(module: string | undefined, sid: string, action: string): string | undefined {
  const keys = [
    ...(module ? [`${module} ${sid}:${action}`, `${module} ${sid}:*`, module] : []),
    `${sid}:${action}`,
    `${sid}:*`,
  ];
  for (const key of keys) if (UNEXERCISED_GRANTS[key]) return UNEXERCISED_GRANTS[key];
  return undefined;
}
