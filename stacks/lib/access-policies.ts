/**
 * Least-privilege IAM for a step function, from the `access` list its workflow spec declares
 * (workflows/index.ts). Each kind maps to named actions only (never a service wildcard), on the
 * narrowest resources the API allows. Describe* calls of Auto Scaling and EC2 support no resource-level
 * scoping, so they are the only statements on "*".
 *
 * Auto Scaling mutations are the dangerous ones (they terminate instances), so they are held to groups
 * tagged for the clusters this stage manages: Tugboat's own tag on self-managed groups, EKS's tag on the
 * groups behind managed node groups.
 */
import type { Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { StepFunctionSpec } from "../../workflows/index";

export type AccessKind = StepFunctionSpec["access"][number];

export interface AccessContext {
  stack: Stack;
  table: ITable;
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

export function statementsForAccess(kinds: readonly AccessKind[], ctx: AccessContext): PolicyStatement[] {
  return [...new Set(kinds)].flatMap((kind) => statementsFor(kind, ctx));
}

function statementsFor(kind: AccessKind, ctx: AccessContext): PolicyStatement[] {
  switch (kind) {
    case "autoscaling:read":
      return [allow("AutoScalingRead", AUTOSCALING_READ_ACTIONS, ["*"])];
    case "autoscaling:write":
      return [
        allow(
          "AutoScalingWriteTugboatGroups",
          AUTOSCALING_WRITE_ACTIONS,
          [autoScalingGroupArns(ctx.stack)],
          clusterTagCondition(TUGBOAT_CLUSTER_TAG, ctx.clusters),
        ),
        allow(
          "AutoScalingWriteEksManagedGroups",
          AUTOSCALING_WRITE_ACTIONS,
          [autoScalingGroupArns(ctx.stack)],
          clusterTagCondition(EKS_CLUSTER_TAG, ctx.clusters),
        ),
      ];
    case "ec2:read":
      return [allow("Ec2Read", EC2_READ_ACTIONS, ["*"])];
    case "eks:read":
      return [allow("EksRead", EKS_READ_ACTIONS, [...eksClusterArns(ctx), ...eksNodegroupArns(ctx)])];
    case "eks:write":
      return [allow("EksWriteNodegroups", EKS_WRITE_ACTIONS, eksNodegroupArns(ctx))];
    case "eks:upgrade-read":
      return [
        allow("EksCatalogRead", EKS_CATALOG_ACTIONS, ["*"]),
        allow("EksAddonRead", EKS_ADDON_READ_ACTIONS, [...eksClusterArns(ctx), ...eksAddonArns(ctx)]),
      ];
    case "eks:cluster-write":
      return [
        allow("EksUpdateCluster", EKS_CLUSTER_WRITE_ACTIONS, eksClusterArns(ctx)),
        allow("EksUpdateAddons", EKS_ADDON_WRITE_ACTIONS, [...eksClusterArns(ctx), ...eksAddonArns(ctx)]),
      ];
    case "eks:insights":
      return [allow("EksUpgradeInsights", EKS_INSIGHTS_ACTIONS, eksClusterArns(ctx))];
    case "ec2:launch-template-write":
      return [
        allow(
          "CreateLaunchTemplateVersions",
          ["ec2:CreateLaunchTemplateVersion"],
          [arn(ctx.stack, "ec2", "launch-template/*")],
          {
            StringLike: { [`aws:ResourceTag/${TUGBOAT_CLUSTER_TAG}`]: eachCluster(ctx) },
          },
        ),
        // Pointing an Auto Scaling group at a launch template version requires permission to launch from it,
        // and to pass the role of the instance profile it names, to EC2 only.
        allow("LaunchFromTemplates", ["ec2:RunInstances"], [arn(ctx.stack, "ec2", "launch-template/*")]),
        allow("PassNodeRoleToEc2", ["iam:PassRole"], [`arn:${ctx.stack.partition}:iam::${ctx.stack.account}:role/*`], {
          StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
        }),
      ];
    case "ssm:ami":
      return [
        allow(
          "EksOptimizedAmiParameters",
          ["ssm:GetParameter", "ssm:GetParameters"],
          [
            `arn:${ctx.stack.partition}:ssm:${ctx.stack.region}::parameter/aws/service/eks/optimized-ami/*`,
            `arn:${ctx.stack.partition}:ssm:${ctx.stack.region}::parameter/aws/service/bottlerocket/*`,
          ],
        ),
      ];
    case "etcd":
      return [
        allow(
          "EtcdClientSecret",
          ["secretsmanager:GetSecretValue"],
          perCluster(ctx, "secretsmanager", (c) => `secret:tugboat/${c}/etcd-??????`),
        ),
      ];
    case "state":
      return [allow("StateTable", STATE_ACTIONS, [ctx.table.tableArn, `${ctx.table.tableArn}/index/*`])];
    case "sfn:read":
      return [
        allow(
          "DescribeTugboatExecutions",
          ["states:DescribeExecution"],
          ctx.stateMachineNames.map((name) => arn(ctx.stack, "states", `execution:${name}:*`)),
        ),
      ];
    case "kube":
      return [
        allow(
          "KubeconfigParameter",
          ["ssm:GetParameter"],
          perCluster(ctx, "ssm", (c) => `parameter/tugboat/${c}/kubeconfig`),
        ),
        // Secrets Manager appends "-" and six random characters to a secret's ARN.
        allow(
          "KubeconfigSecret",
          ["secretsmanager:GetSecretValue"],
          perCluster(ctx, "secretsmanager", (c) => `secret:tugboat/${c}/kubeconfig-??????`),
        ),
        allow("KubeEndpoint", ["eks:DescribeCluster"], eksClusterArns(ctx)),
      ];
  }
}

/**
 * With a cluster list: the tag must name one of them. Without: the tag must at least be present, so a
 * group nobody tagged for a cluster is never touched.
 */
function clusterTagCondition(tag: string, clusters: string[]): Record<string, Record<string, unknown>> {
  const key = `autoscaling:ResourceTag/${tag}`;
  return clusters.length > 0 ? { StringEquals: { [key]: clusters } } : { Null: { [key]: "false" } };
}

function autoScalingGroupArns(stack: Stack): string {
  return arn(stack, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*");
}

function eksClusterArns(ctx: AccessContext): string[] {
  return eachCluster(ctx).map((c) => arn(ctx.stack, "eks", `cluster/${c}`));
}

function eksAddonArns(ctx: AccessContext): string[] {
  return eachCluster(ctx).map((c) => arn(ctx.stack, "eks", `addon/${c}/*/*`));
}

function eksNodegroupArns(ctx: AccessContext): string[] {
  return eachCluster(ctx).map((c) => arn(ctx.stack, "eks", `nodegroup/${c}/*/*`));
}

function perCluster(ctx: AccessContext, service: string, resource: (cluster: string) => string): string[] {
  return eachCluster(ctx).map((c) => arn(ctx.stack, service, resource(c)));
}

function eachCluster(ctx: AccessContext): string[] {
  return ctx.clusters.length > 0 ? ctx.clusters : ["*"];
}

function arn(stack: Stack, service: string, resource: string): string {
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
}

function allow(
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, Record<string, unknown>>,
): PolicyStatement {
  for (const action of actions) {
    if (action.includes("*")) throw new Error(`IAM statement ${sid}: action ${action} is a wildcard`);
  }
  return new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions,
    resources,
    ...(conditions ? { conditions } : {}),
  });
}
