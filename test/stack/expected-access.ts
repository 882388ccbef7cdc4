/**
 * What each access grant must allow, written out independently of stacks/lib/access-documents.ts so a
 * change there that widens or drops a permission shows up as a failing test.
 */
import type { AccessKind } from "../../workflows/index";

/** The bundles; every other grant allows exactly the IAM action it is named after. */
const BUNDLES: Partial<Record<AccessKind, string[]>> = {
  kube: ["ssm:GetParameter", "secretsmanager:GetSecretValue", "eks:DescribeCluster"],
  etcd: ["secretsmanager:GetSecretValue"],
  slack: ["secretsmanager:GetSecretValue"],
  "ec2:point-group-at-template": ["ec2:RunInstances", "iam:PassRole"],
  // Tagging a launch template at creation is authorized as ec2:CreateTags too.
  "ec2:CreateLaunchTemplate": ["ec2:CreateLaunchTemplate", "ec2:CreateTags"],
  // A self-managed control plane's NLB: reads with their tags, creates tagged at creation.
  "elasticloadbalancing:DescribeLoadBalancers": [
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
  ],
  "elasticloadbalancing:DescribeTargetGroups": [
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags",
  ],
  "elasticloadbalancing:CreateLoadBalancer": [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:AddTags",
  ],
  "elasticloadbalancing:CreateTargetGroup": ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags"],
  "join-material:read": ["ssm:GetParameter"],
  "join-material:write": ["ssm:PutParameter"],
  "join-material:delete": ["ssm:DeleteParameter"],
  "join-material:renew": ["ssm:SendCommand", "ssm:GetCommandInvocation"],
  "cluster-access:delete": ["ssm:DeleteParameter", "secretsmanager:DeleteSecret"],
};

export function expectedActionsOf(kind: AccessKind): string[] {
  return BUNDLES[kind] ?? [kind];
}

/** Every function with active tracing gets these from CDK; they carry no resource-level scoping. */
export const TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

export const AUTOSCALING_MUTATIONS = [
  "autoscaling:LaunchInstances",
  "autoscaling:UpdateAutoScalingGroup",
  "autoscaling:SuspendProcesses",
  "autoscaling:ResumeProcesses",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
  "autoscaling:CompleteLifecycleAction",
  "autoscaling:RecordLifecycleActionHeartbeat",
];

/** True when the list grants any Auto Scaling mutation. */
export function mutatesAutoScaling(access: readonly AccessKind[]): boolean {
  return access.some((kind) => AUTOSCALING_MUTATIONS.includes(kind));
}

export function expectedActionsFor(access: readonly AccessKind[]): string[] {
  return [...new Set([...TRACING_ACTIONS, ...access.flatMap(expectedActionsOf)])].sort();
}
