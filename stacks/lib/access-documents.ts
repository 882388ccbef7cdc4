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

export const AUTOSCALING_READ_ACTIONS = [
  "autoscaling:DescribeAutoScalingGroups",
  "autoscaling:DescribeAutoScalingInstances",
  "autoscaling:DescribeLifecycleHooks",
  "autoscaling:DescribeScalingActivities",
];

export const AUTOSCALING_WRITE_ACTIONS = [
  "autoscaling:UpdateAutoScalingGroup",
  "autoscaling:SetDesiredCapacity",
  "autoscaling:SuspendProcesses",
  "autoscaling:ResumeProcesses",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
  "autoscaling:CompleteLifecycleAction",
  "autoscaling:RecordLifecycleActionHeartbeat",
];

export const EC2_READ_ACTIONS = [
  "ec2:DescribeInstances",
  "ec2:DescribeLaunchTemplateVersions",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribeImages",
  "ec2:DescribeSubnets",
];

export const EKS_READ_ACTIONS = [
  "eks:DescribeCluster",
  "eks:ListNodegroups",
  "eks:DescribeNodegroup",
  "eks:DescribeUpdate",
  "eks:ListUpdates",
];

export const EKS_WRITE_ACTIONS = ["eks:UpdateNodegroupVersion", "eks:UpdateNodegroupConfig"];

/** Catalog reads with no resource to scope them to. */
export const EKS_CATALOG_ACTIONS = ["eks:DescribeClusterVersions", "eks:DescribeAddonVersions"];
export const EKS_ADDON_READ_ACTIONS = ["eks:ListAddons", "eks:DescribeAddon"];
export const EKS_CLUSTER_WRITE_ACTIONS = ["eks:UpdateClusterVersion"];
export const EKS_ADDON_WRITE_ACTIONS = ["eks:UpdateAddon"];
export const EKS_INSIGHTS_ACTIONS = [
  "eks:StartInsightsRefresh",
  "eks:DescribeInsightsRefresh",
  "eks:ListInsights",
  "eks:DescribeInsight",
];

/** The state store's calls (src/adapters/aws/state-store.ts uses BatchGet to read a run's items). */
export const STATE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
  "dynamodb:UpdateItem",
  "dynamodb:Query",
  "dynamodb:ConditionCheckItem",
];

export function accessStatements(kinds: readonly AccessKind[], target: AccessTarget): PolicyStatementJson[] {
  return [...new Set(kinds)].flatMap((kind) => statementsFor(kind, target));
}

export function policyDocument(statements: PolicyStatementJson[]): PolicyDocumentJson {
  return { Version: "2012-10-17", Statement: statements };
}

function statementsFor(kind: AccessKind, t: AccessTarget): PolicyStatementJson[] {
  switch (kind) {
    case "autoscaling:read":
      return [allow("AutoScalingRead", AUTOSCALING_READ_ACTIONS, ["*"])];
    case "autoscaling:write":
      return [
        allow(
          "AutoScalingWriteTugboatGroups",
          AUTOSCALING_WRITE_ACTIONS,
          [autoScalingGroupArns(t)],
          clusterTagCondition(TUGBOAT_CLUSTER_TAG, t.clusters),
        ),
        allow(
          "AutoScalingWriteEksManagedGroups",
          AUTOSCALING_WRITE_ACTIONS,
          [autoScalingGroupArns(t)],
          clusterTagCondition(EKS_CLUSTER_TAG, t.clusters),
        ),
      ];
    case "ec2:read":
      return [allow("Ec2Read", EC2_READ_ACTIONS, ["*"])];
    case "eks:read":
      return [allow("EksRead", EKS_READ_ACTIONS, [...eksClusterArns(t), ...eksNodegroupArns(t)])];
    case "eks:write":
      return [allow("EksWriteNodegroups", EKS_WRITE_ACTIONS, eksNodegroupArns(t))];
    case "eks:upgrade-read":
      return [
        allow("EksCatalogRead", EKS_CATALOG_ACTIONS, ["*"]),
        allow("EksAddonRead", EKS_ADDON_READ_ACTIONS, [...eksClusterArns(t), ...eksAddonArns(t)]),
      ];
    case "eks:cluster-write":
      return [
        allow("EksUpdateCluster", EKS_CLUSTER_WRITE_ACTIONS, eksClusterArns(t)),
        allow("EksUpdateAddons", EKS_ADDON_WRITE_ACTIONS, [...eksClusterArns(t), ...eksAddonArns(t)]),
      ];
    case "eks:insights":
      return [allow("EksUpgradeInsights", EKS_INSIGHTS_ACTIONS, eksClusterArns(t))];
    case "ec2:launch-template-write":
      return [
        allow(
          "CreateLaunchTemplateVersions",
          ["ec2:CreateLaunchTemplateVersion"],
          [arn(t, "ec2", "launch-template/*")],
          {
            StringLike: { [`aws:ResourceTag/${TUGBOAT_CLUSTER_TAG}`]: eachCluster(t) },
          },
        ),
        // Pointing an Auto Scaling group at a launch template version requires permission to launch from it,
        // and to pass the role of the instance profile it names, to EC2 only.
        allow("LaunchFromTemplates", ["ec2:RunInstances"], [arn(t, "ec2", "launch-template/*")]),
        allow("PassNodeRoleToEc2", ["iam:PassRole"], [`arn:${t.partition}:iam::${t.account}:role/*`], {
          StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
        }),
      ];
    case "ssm:ami":
      return [
        allow(
          "EksOptimizedAmiParameters",
          ["ssm:GetParameter", "ssm:GetParameters"],
          [`arn:${t.partition}:ssm:${t.region}::parameter/aws/service/eks/optimized-ami/*`],
        ),
      ];
    case "etcd":
      return [
        allow(
          "EtcdClientSecret",
          ["secretsmanager:GetSecretValue"],
          perCluster(t, "secretsmanager", (c) => `secret:tugboat/${c}/etcd-??????`),
        ),
      ];
    case "state":
      return [allow("StateTable", STATE_ACTIONS, [t.tableArn, `${t.tableArn}/index/*`])];
    case "sfn:read":
      return [
        allow(
          "DescribeTugboatExecutions",
          ["states:DescribeExecution"],
          t.stateMachineNames.map((name) => arn(t, "states", `execution:${name}:*`)),
        ),
      ];
    case "kube":
      return [
        allow(
          "KubeconfigParameter",
          ["ssm:GetParameter"],
          perCluster(t, "ssm", (c) => `parameter/tugboat/${c}/kubeconfig`),
        ),
        // Secrets Manager appends "-" and six random characters to a secret's ARN.
        allow(
          "KubeconfigSecret",
          ["secretsmanager:GetSecretValue"],
          perCluster(t, "secretsmanager", (c) => `secret:tugboat/${c}/kubeconfig-??????`),
        ),
        allow("KubeEndpoint", ["eks:DescribeCluster"], eksClusterArns(t)),
      ];
  }
}

/** The receive function may start reactions, and nothing else in Step Functions. */
export function startReactionsStatement(stateMachineArn: string): PolicyStatementJson {
  return allow("StartReactions", ["states:StartExecution"], [stateMachineArn]);
}

/**
 * What a person (or CI) running `tug` against the deployed stack needs: start and follow the roll and
 * upgrade workflows (src/cli/remote.ts), read locks and runs (`tug status`: GetItem, Query, BatchGetItem)
 * and ask a run to stop (`tug abort`: a conditional UpdateItem on the lock). Nothing that changes a
 * cluster: the workflows do that under their own roles.
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
