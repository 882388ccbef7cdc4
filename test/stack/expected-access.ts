/**
 * What each `access` kind must allow, written out independently of stacks/lib/access-policies.ts so a
 * change there that widens or drops a permission shows up as a failing test.
 */
import type { StepFunctionSpec } from "../../workflows/index";

type AccessKind = StepFunctionSpec["access"][number];

export const EXPECTED_ACTIONS: Record<AccessKind, string[]> = {
  "autoscaling:read": [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLifecycleHooks",
    "autoscaling:DescribeScalingActivities",
  ],
  "autoscaling:write": [
    "autoscaling:UpdateAutoScalingGroup",
    "autoscaling:SetDesiredCapacity",
    "autoscaling:SuspendProcesses",
    "autoscaling:ResumeProcesses",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
    "autoscaling:CompleteLifecycleAction",
    "autoscaling:RecordLifecycleActionHeartbeat",
  ],
  "ec2:read": [
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeImages",
    "ec2:DescribeSubnets",
  ],
  "eks:read": [
    "eks:DescribeCluster",
    "eks:ListNodegroups",
    "eks:DescribeNodegroup",
    "eks:DescribeUpdate",
    "eks:ListUpdates",
  ],
  "eks:write": ["eks:UpdateNodegroupVersion", "eks:UpdateNodegroupConfig"],
  state: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:DeleteItem",
    "dynamodb:UpdateItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
  ],
  "sfn:read": ["states:DescribeExecution"],
  kube: ["ssm:GetParameter", "secretsmanager:GetSecretValue", "eks:DescribeCluster"],
  "eks:upgrade-read": [
    "eks:DescribeClusterVersions",
    "eks:DescribeAddonVersions",
    "eks:ListAddons",
    "eks:DescribeAddon",
  ],
  "eks:cluster-write": ["eks:UpdateClusterVersion", "eks:UpdateAddon"],
  "eks:insights": [
    "eks:StartInsightsRefresh",
    "eks:DescribeInsightsRefresh",
    "eks:ListInsights",
    "eks:DescribeInsight",
  ],
  "ec2:launch-template-write": ["ec2:CreateLaunchTemplateVersion", "ec2:RunInstances", "iam:PassRole"],
  "ssm:ami": ["ssm:GetParameter", "ssm:GetParameters"],
  etcd: ["secretsmanager:GetSecretValue"],
};

/** Every function with active tracing gets these from CDK; they carry no resource-level scoping. */
export const TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

export const AUTOSCALING_MUTATIONS = EXPECTED_ACTIONS["autoscaling:write"];

export function expectedActionsFor(access: readonly AccessKind[]): string[] {
  return [...new Set([...TRACING_ACTIONS, ...access.flatMap((kind) => EXPECTED_ACTIONS[kind])])].sort();
}
