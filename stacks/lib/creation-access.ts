/**
 * The statements for creating and deleting clusters (workflows create-cluster and delete-cluster):
 * creates only with Tugboat's cluster tag on the request, deletes only of what carries the tag of the
 * run that created it, roles passed to EKS only. Pure, like access-documents.ts, which calls it.
 */
import type { AccessKind } from "../../workflows/index";

interface Target {
  partition: string;
  region: string;
  account: string;
  clusters: string[];
}

type Add = (
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, Record<string, unknown>>,
) => void;

export const CREATED_BY_TAG = "tugboat:created-by-run";
const CLUSTER_TAG = "tugboat:cluster";

export const CREATION_KINDS = [
  "eks:CreateCluster",
  "eks:DeleteCluster",
  "eks:CreateAccessEntry",
  "eks:DescribeAccessEntry",
  "eks:UpdateAccessEntry",
  "eks:CreateAddon",
  "eks:DeleteAddon",
  "eks:CreateNodegroup",
  "eks:DeleteNodegroup",
  "ec2:DescribeLaunchTemplates",
  "ec2:CreateLaunchTemplate",
  "ec2:DeleteLaunchTemplate",
  "autoscaling:CreateAutoScalingGroup",
  "autoscaling:DeleteAutoScalingGroup",
  "iam:PassRole",
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:CreateLoadBalancer",
  "elasticloadbalancing:CreateTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:CreateListener",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:DeleteTargetGroup",
  "join-material:read",
  "join-material:write",
  "join-material:delete",
  "join-material:renew",
  "cluster-access:delete",
] as const;

/**
 * What each ELB read of a self-managed control plane's load balancer stands for (none has resource-level
 * scoping): a balancer is read with its tags, a target group with its attributes, targets and tags.
 */
const ELB_READS: Partial<Record<AccessKind, string[]>> = {
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
};

/** Bundles among the creation kinds: what one grant stands for. */
export function creationActionsOf(kind: AccessKind): string[] | undefined {
  if (kind === "ec2:CreateLaunchTemplate") return ["ec2:CreateLaunchTemplate", "ec2:CreateTags"];
  const reads = ELB_READS[kind];
  if (reads) return reads;
  if (kind === "elasticloadbalancing:CreateLoadBalancer" || kind === "elasticloadbalancing:CreateTargetGroup") {
    return [kind, "elasticloadbalancing:AddTags"];
  }
  if (kind === "join-material:read") return ["ssm:GetParameter"];
  if (kind === "join-material:write") return ["ssm:PutParameter"];
  if (kind === "join-material:delete") return ["ssm:DeleteParameter"];
  if (kind === "join-material:renew") return ["ssm:SendCommand", "ssm:GetCommandInvocation"];
  if (kind === "cluster-access:delete") return ["ssm:DeleteParameter", "secretsmanager:DeleteSecret"];
  return undefined;
}

export function creationStatements(granted: Set<AccessKind>, t: Target, add: Add): void {
  const has = (kind: AccessKind) => granted.has(kind);
  const arn = (service: string, resource: string) =>
    `arn:${t.partition}:${service}:${t.region}:${t.account}:${resource}`;
  const clusters = t.clusters.length > 0 ? t.clusters : ["*"];
  const clusterArns = clusters.map((c) => arn("eks", `cluster/${c}`));
  // With a cluster list, the request's tag must name one of them; without, it must at least be there.
  const requestTagged: Record<string, Record<string, unknown>> = t.clusters.length > 0
    ? { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: t.clusters } }
    : { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
  const createdBy = (prefix: string): Record<string, Record<string, unknown>> => ({
    ...(t.clusters.length > 0 ? { StringEquals: { [`${prefix}/${CLUSTER_TAG}`]: t.clusters } } : {}),
    Null: { [`${prefix}/${CREATED_BY_TAG}`]: "false" },
  });
  const pick = (kinds: AccessKind[]) => kinds.filter(has);

  add("DescribeLaunchTemplates", pick(["ec2:DescribeLaunchTemplates"]), ["*"]);
  // CreateCluster supports no resource-level permissions; the request must carry Tugboat's cluster tag.
  add("CreateEksClusters", pick(["eks:CreateCluster"]), ["*"], requestTagged);
  add("DeleteCreatedEksClusters", pick(["eks:DeleteCluster"]), clusterArns, createdBy("aws:ResourceTag"));
  add("EksClusterChildren", pick(["eks:CreateAccessEntry", "eks:CreateAddon", "eks:CreateNodegroup"]), clusterArns);
  add(
    "EksAccessEntries",
    pick(["eks:DescribeAccessEntry", "eks:UpdateAccessEntry"]),
    clusters.map((c) => arn("eks", `access-entry/${c}/*`)),
  );
  add(
    "DeleteEksAddons",
    pick(["eks:DeleteAddon"]),
    clusters.map((c) => arn("eks", `addon/${c}/*/*`)),
  );
  add(
    "DeleteEksNodegroups",
    pick(["eks:DeleteNodegroup"]),
    clusters.map((c) => arn("eks", `nodegroup/${c}/*/*`)),
  );
  if (has("iam:PassRole")) {
    add("PassClusterAndNodeRolesToEks", ["iam:PassRole"], [`arn:${t.partition}:iam::${t.account}:role/*`], {
      StringEquals: { "iam:PassedToService": "eks.amazonaws.com" },
    });
  }
  if (has("ec2:CreateLaunchTemplate")) {
    add("CreateLaunchTemplates", ["ec2:CreateLaunchTemplate"], [arn("ec2", "launch-template/*")], requestTagged);
    add("TagLaunchTemplatesAtCreation", ["ec2:CreateTags"], [arn("ec2", "launch-template/*")], {
      StringEquals: { "ec2:CreateAction": "CreateLaunchTemplate" },
    });
  }
  add(
    "DeleteCreatedLaunchTemplates",
    pick(["ec2:DeleteLaunchTemplate"]),
    [arn("ec2", "launch-template/*")],
    createdBy("aws:ResourceTag"),
  );
  add(
    "CreateAutoScalingGroups",
    pick(["autoscaling:CreateAutoScalingGroup"]),
    [arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
    requestTagged,
  );
  selfManagedStatements(has, t, add, requestTagged, createdBy);
  add(
    "DeleteCreatedAutoScalingGroups",
    pick(["autoscaling:DeleteAutoScalingGroup"]),
    [arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
    createdBy("autoscaling:ResourceTag"),
  );
}

/** The API server's NLB of a self-managed cluster and its join material in SSM. */
function selfManagedStatements(
  has: (kind: AccessKind) => boolean,
  t: Target,
  add: Add,
  requestTagged: Record<string, Record<string, unknown>>,
  createdBy: (prefix: string) => Record<string, Record<string, unknown>>,
): void {
  const elb = (resource: string) => `arn:${t.partition}:elasticloadbalancing:${t.region}:${t.account}:${resource}`;
  const balancers = elb("loadbalancer/net/*/*");
  const targetGroups = elb("targetgroup/*/*");
  const reads = new Set<string>();
  for (const [kind, actions] of Object.entries(ELB_READS))
    if (has(kind as AccessKind)) for (const a of actions) reads.add(a);
  if (has("elasticloadbalancing:DescribeListeners")) reads.add("elasticloadbalancing:DescribeListeners");
  add("DescribeLoadBalancing", [...reads], ["*"]);
  const creates = (
    ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"] as const
  ).filter(has);
  if (creates.length > 0) {
    add("CreateLoadBalancing", [...creates], [balancers, targetGroups], requestTagged);
    add("TagLoadBalancingAtCreation", ["elasticloadbalancing:AddTags"], [balancers, targetGroups], {
      StringEquals: { "elasticloadbalancing:CreateAction": creates.map((c) => c.split(":")[1]) },
    });
  }
  const onCreated = (
    [
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:RegisterTargets",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteTargetGroup",
    ] as const
  ).filter(has);
  add("ChangeCreatedLoadBalancing", [...onCreated], [balancers, targetGroups], createdBy("aws:ResourceTag"));
  const clusters = t.clusters.length > 0 ? t.clusters : ["*"];
  const material = clusters.map((c) => `arn:${t.partition}:ssm:${t.region}:${t.account}:parameter/tugboat/${c}/join/*`);
  const ssm = [
    has("join-material:read") ? "ssm:GetParameter" : "",
    has("join-material:write") ? "ssm:PutParameter" : "",
    has("join-material:delete") ? "ssm:DeleteParameter" : "",
  ].filter(Boolean);
  add("JoinMaterialParameters", ssm, material);
  if (has("cluster-access:delete")) {
    // What the first node published: deleted with the cluster, the secret without a recovery window.
    add(
      "DeleteClusterKubeconfigParameters",
      ["ssm:DeleteParameter"],
      clusters.map((c) => `arn:${t.partition}:ssm:${t.region}:${t.account}:parameter/tugboat/${c}/kubeconfig`),
    );
    add(
      "DeleteClusterEtcdSecrets",
      ["secretsmanager:DeleteSecret"],
      clusters.map((c) => `arn:${t.partition}:secretsmanager:${t.region}:${t.account}:secret:tugboat/${c}/etcd-??????`),
    );
  }
  if (has("join-material:renew")) {
    // kubeadm on a control-plane node registers renewed material: the shell document, on Tugboat's
    // control-plane instances only; a command's result names no resource.
    add(
      "RunShellScriptDocument",
      ["ssm:SendCommand"],
      [`arn:${t.partition}:ssm:${t.region}::document/AWS-RunShellScript`],
    );
    add(
      "RunCommandOnControlPlaneNodes",
      ["ssm:SendCommand"],
      [`arn:${t.partition}:ec2:${t.region}:${t.account}:instance/*`],
      {
        StringEquals: {
          "aws:ResourceTag/tugboat:role": "control-plane",
          ...(t.clusters.length > 0 ? { "aws:ResourceTag/tugboat:cluster": t.clusters } : {}),
        },
      },
    );
    add("ReadCommandResults", ["ssm:GetCommandInvocation"], ["*"]);
  }
}
