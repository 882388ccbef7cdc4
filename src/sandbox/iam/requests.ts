/**
 * What IAM authorizes for one SDK call: the action(s), the resource ARN and the request context the real
 * call carries (the resource's tags as `aws:ResourceTag/…` and, for Auto Scaling, `autoscaling:ResourceTag/…`;
 * `iam:PassedToService` for a passed role). Resource ARNs and tags are read from the simulated region, as
 * AWS reads them from the resource the call names.
 *
 * A few calls are authorized for more than one action, as AWS does:
 *  - UpdateAutoScalingGroup naming a launch template also needs ec2:RunInstances on that template (and
 *    iam:PassRole for the role of the instance profile it names, when it names one);
 *  - GetParameters and BatchGetItem are authorized once per parameter and per table.
 * Actions documented without resource-level permissions (Describe*, catalog reads) are authorized on "*".
 * A command with no entry here is refused loudly: the twin must know what every call it answers needs.
 */

import { autoScalingCreation, ec2Creation, eksCreation, ssmCreation } from "./requests-creation";
import { loadBalancingRequests } from "./requests-load-balancing";

/** One authorization: an action on a resource, with the condition keys the request carries. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

/** The simulated region's resources, as IAM sees them. */
export interface ResourceDirectory {
  account: string;
  region: string;
  group(name: string): { arn: string; tags: Record<string, string> } | undefined;
  groupOfInstance(instanceId: string): { arn: string; tags: Record<string, string> } | undefined;
  launchTemplate(
    ref: { id?: string; name?: string },
    version?: string,
  ): { id: string; tags: Record<string, string>; instanceProfile?: string } | undefined;
  cluster(name: string): { arn: string; tags: Record<string, string> } | undefined;
  nodegroup(cluster: string, name: string): { arn: string } | undefined;
  addon(cluster: string, name: string): { arn: string } | undefined;
  secretArn(id: string): string | undefined;
  /** Tags of an ELBv2 load balancer or target group by ARN; undefined when there is none. */
  loadBalancingTags(arn: string): Record<string, string> | undefined;
  /** The ARN a CreateLoadBalancer / CreateTargetGroup of that name would make (or finds, being idempotent). */
  loadBalancingArnForCreate(kind: "loadbalancer" | "targetgroup", name: string): string;
}

// biome-ignore lint/suspicious/noExplicitAny: inputs are the SDK's command shapes, read loosely here.
type Input = Record<string, any>;

export class UnmappedCommandError extends Error {
  constructor(service: string, command: string) {
    super(
      `the sandbox has no IAM mapping for ${service}:${command}: add one to src/sandbox/iam/requests.ts, naming the action, resource and context AWS authorizes`,
    );
    this.name = "UnmappedCommandError";
  }
}

export function authorizationRequests(
  service: string,
  command: string,
  input: Input,
  dir: ResourceDirectory,
): AuthorizationRequest[] {
  const name = command.replace(/Command$/, "");
  const mapper = MAPPERS[service]?.[name];
  if (!mapper) throw new UnmappedCommandError(service, name);
  return mapper(input ?? {}, dir);
}

type Mapper = (input: Input, dir: ResourceDirectory) => AuthorizationRequest[];

const anyResource =
  (action: string): Mapper =>
  () => [{ action, resource: "*", context: {} }];

function tagContext(tags: Record<string, string>, prefixes: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    for (const prefix of prefixes) context[`${prefix}/${key}`] = value;
  }
  return context;
}

function arn(dir: ResourceDirectory, service: string, resource: string): string {
  return `arn:aws:${service}:${dir.region}:${dir.account}:${resource}`;
}

// ---- Auto Scaling -------------------------------------------------------------------------------------

const ASG_TAGS = ["aws:ResourceTag", "autoscaling:ResourceTag"];

function onGroup(dir: ResourceDirectory, action: string, group: string | undefined): AuthorizationRequest {
  const found = group ? dir.group(group) : undefined;
  // A group that does not exist has no tags: a tag-conditioned grant does not cover it, as in AWS.
  const resource = found?.arn ?? arn(dir, "autoscaling", `autoScalingGroup:*:autoScalingGroupName/${group ?? ""}`);
  return { action, resource, context: tagContext(found?.tags ?? {}, ASG_TAGS) };
}

const groupAction =
  (action: string): Mapper =>
  (input, dir) => [onGroup(dir, action, input.AutoScalingGroupName)];

function updateGroup(input: Input, dir: ResourceDirectory): AuthorizationRequest[] {
  const requests = [onGroup(dir, "autoscaling:UpdateAutoScalingGroup", input.AutoScalingGroupName)];
  const spec = input.LaunchTemplate ?? input.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (spec) {
    const template = dir.launchTemplate({ id: spec.LaunchTemplateId, name: spec.LaunchTemplateName }, spec.Version);
    requests.push({
      action: "ec2:RunInstances",
      resource: arn(dir, "ec2", `launch-template/${template?.id ?? spec.LaunchTemplateId ?? spec.LaunchTemplateName}`),
      context: tagContext(template?.tags ?? {}, ["aws:ResourceTag"]),
    });
    if (template?.instanceProfile) {
      requests.push({
        action: "iam:PassRole",
        resource: `arn:aws:iam::${dir.account}:role/${template.instanceProfile}`,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
      });
    }
  }
  return requests;
}

const autoscaling: Record<string, Mapper> = {
  DescribeAutoScalingGroups: anyResource("autoscaling:DescribeAutoScalingGroups"),
  DescribeInstanceRefreshes: anyResource("autoscaling:DescribeInstanceRefreshes"),
  DescribeAutoScalingInstances: anyResource("autoscaling:DescribeAutoScalingInstances"),
  DescribeLifecycleHooks: anyResource("autoscaling:DescribeLifecycleHooks"),
  DescribeScalingActivities: anyResource("autoscaling:DescribeScalingActivities"),
  UpdateAutoScalingGroup: updateGroup,
  SetDesiredCapacity: groupAction("autoscaling:SetDesiredCapacity"),
  LaunchInstances: groupAction("autoscaling:LaunchInstances"),
  SuspendProcesses: groupAction("autoscaling:SuspendProcesses"),
  ResumeProcesses: groupAction("autoscaling:ResumeProcesses"),
  CompleteLifecycleAction: groupAction("autoscaling:CompleteLifecycleAction"),
  RecordLifecycleActionHeartbeat: groupAction("autoscaling:RecordLifecycleActionHeartbeat"),
  TerminateInstanceInAutoScalingGroup: (input, dir) => {
    const group = dir.groupOfInstance(String(input.InstanceId ?? ""));
    const resource = group?.arn ?? arn(dir, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*");
    return [
      {
        action: "autoscaling:TerminateInstanceInAutoScalingGroup",
        resource,
        context: tagContext(group?.tags ?? {}, ASG_TAGS),
      },
    ];
  },
};

// ---- EC2 ----------------------------------------------------------------------------------------------

const ec2: Record<string, Mapper> = {
  DescribeInstances: anyResource("ec2:DescribeInstances"),
  DescribeLaunchTemplateVersions: anyResource("ec2:DescribeLaunchTemplateVersions"),
  DescribeLaunchTemplates: anyResource("ec2:DescribeLaunchTemplates"),
  DescribeImages: anyResource("ec2:DescribeImages"),
  DescribeSubnets: anyResource("ec2:DescribeSubnets"),
  CreateLaunchTemplateVersion: (input, dir) => {
    const template = dir.launchTemplate({ id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    const id = template?.id ?? input.LaunchTemplateId ?? input.LaunchTemplateName;
    return [
      {
        action: "ec2:CreateLaunchTemplateVersion",
        resource: arn(dir, "ec2", `launch-template/${id}`),
        context: tagContext(template?.tags ?? {}, ["aws:ResourceTag"]),
      },
    ];
  },
};

// ---- EKS ----------------------------------------------------------------------------------------------

function clusterRequest(dir: ResourceDirectory, action: string, cluster: string): AuthorizationRequest {
  const found = dir.cluster(cluster);
  return {
    action,
    resource: found?.arn ?? arn(dir, "eks", `cluster/${cluster}`),
    context: tagContext(found?.tags ?? {}, ["aws:ResourceTag"]),
  };
}

const onCluster =
  (action: string, field = "name"): Mapper =>
  (input, dir) => [clusterRequest(dir, action, String(input[field] ?? ""))];

function nodegroupArn(dir: ResourceDirectory, cluster: string, nodegroup: string): string {
  // A node group's ARN ends in an id EKS assigns; one that does not exist is named by a wildcard-free stand-in.
  return dir.nodegroup(cluster, nodegroup)?.arn ?? arn(dir, "eks", `nodegroup/${cluster}/${nodegroup}/unknown`);
}

function addonArn(dir: ResourceDirectory, cluster: string, addon: string): string {
  return dir.addon(cluster, addon)?.arn ?? arn(dir, "eks", `addon/${cluster}/${addon}/unknown`);
}

const onNodegroup =
  (action: string): Mapper =>
  (input, dir) => [{ action, resource: nodegroupArn(dir, input.clusterName, input.nodegroupName), context: {} }];

/** DescribeUpdate and ListUpdates name a cluster, a node group or an add-on: the ARN is the one named. */
const onUpdateTarget =
  (action: string, clusterField: string): Mapper =>
  (input, dir) => {
    const cluster = String(input[clusterField] ?? "");
    if (input.nodegroupName) {
      return [{ action, resource: nodegroupArn(dir, cluster, input.nodegroupName), context: {} }];
    }
    if (input.addonName) return [{ action, resource: addonArn(dir, cluster, input.addonName), context: {} }];
    return [clusterRequest(dir, action, cluster)];
  };

const onAddon =
  (action: string): Mapper =>
  (input, dir) => [{ action, resource: addonArn(dir, input.clusterName, input.addonName), context: {} }];

const eks: Record<string, Mapper> = {
  DescribeCluster: onCluster("eks:DescribeCluster"),
  ListNodegroups: onCluster("eks:ListNodegroups", "clusterName"),
  DescribeNodegroup: onNodegroup("eks:DescribeNodegroup"),
  UpdateNodegroupVersion: onNodegroup("eks:UpdateNodegroupVersion"),
  UpdateNodegroupConfig: onNodegroup("eks:UpdateNodegroupConfig"),
  DescribeUpdate: onUpdateTarget("eks:DescribeUpdate", "name"),
  ListUpdates: onUpdateTarget("eks:ListUpdates", "name"),
  DescribeClusterVersions: anyResource("eks:DescribeClusterVersions"),
  DescribeAddonVersions: anyResource("eks:DescribeAddonVersions"),
  ListAddons: onCluster("eks:ListAddons", "clusterName"),
  DescribeAddon: onAddon("eks:DescribeAddon"),
  UpdateAddon: onAddon("eks:UpdateAddon"),
  UpdateClusterVersion: onCluster("eks:UpdateClusterVersion"),
  StartInsightsRefresh: onCluster("eks:StartInsightsRefresh", "clusterName"),
  DescribeInsightsRefresh: onCluster("eks:DescribeInsightsRefresh", "clusterName"),
  ListInsights: onCluster("eks:ListInsights", "clusterName"),
  DescribeInsight: onCluster("eks:DescribeInsight", "clusterName"),
};

// ---- SSM, Secrets Manager, STS, Step Functions --------------------------------------------------------

function parameterArn(dir: ResourceDirectory, name: string): string {
  const path = name.startsWith("/") ? name.slice(1) : name;
  // AWS's public parameters live in no account: their ARN has an empty account field.
  const account = path.startsWith("aws/service/") ? "" : dir.account;
  return `arn:aws:ssm:${dir.region}:${account}:parameter/${path}`;
}

const ssm: Record<string, Mapper> = {
  GetParameter: (input, dir) => [
    { action: "ssm:GetParameter", resource: parameterArn(dir, String(input.Name ?? "")), context: {} },
  ],
  GetParameters: (input, dir) =>
    ((input.Names ?? []) as string[]).map((name) => ({
      action: "ssm:GetParameters",
      resource: parameterArn(dir, name),
      context: {},
    })),
};

/** A secret by name or ARN; one that does not exist is named with a stand-in for the six characters AWS appends. */
const onSecret =
  (action: string): Mapper =>
  (input, dir) => {
    const id = String(input.SecretId ?? "");
    const resource = id.startsWith("arn:")
      ? id
      : (dir.secretArn(id) ?? arn(dir, "secretsmanager", `secret:${id}-000000`));
    return [{ action, resource, context: {} }];
  };

const secretsmanager: Record<string, Mapper> = {
  GetSecretValue: onSecret("secretsmanager:GetSecretValue"),
  DeleteSecret: onSecret("secretsmanager:DeleteSecret"),
};

const sts: Record<string, Mapper> = {
  // Anyone may ask who they are; no policy can deny it.
  GetCallerIdentity: () => [],
};

const onExecution =
  (action: string): Mapper =>
  (input) => [{ action, resource: String(input.executionArn ?? ""), context: {} }];

const sfn: Record<string, Mapper> = {
  DescribeExecution: onExecution("states:DescribeExecution"),
  GetExecutionHistory: onExecution("states:GetExecutionHistory"),
  StopExecution: onExecution("states:StopExecution"),
  StartExecution: (input) => [
    { action: "states:StartExecution", resource: String(input.stateMachineArn ?? ""), context: {} },
  ],
  // A task token of a service integration names no resource IAM can scope: these authorize on "*".
  SendTaskSuccess: () => [{ action: "states:SendTaskSuccess", resource: "*", context: {} }],
  SendTaskFailure: () => [{ action: "states:SendTaskFailure", resource: "*", context: {} }],
};

// ---- DynamoDB (the document client's commands) --------------------------------------------------------

const onTable =
  (action: string): Mapper =>
  (input, dir) => {
    const table = arn(dir, "dynamodb", `table/${input.TableName}`);
    return [{ action, resource: input.IndexName ? `${table}/index/${input.IndexName}` : table, context: {} }];
  };

/** A batch is authorized on each table it names. */
const onTables =
  (action: string): Mapper =>
  (input, dir) =>
    Object.keys(input.RequestItems ?? {}).map((table) => ({
      action,
      resource: arn(dir, "dynamodb", `table/${table}`),
      context: {},
    }));

const dynamodb: Record<string, Mapper> = {
  GetItem: onTable("dynamodb:GetItem"),
  PutItem: onTable("dynamodb:PutItem"),
  DeleteItem: onTable("dynamodb:DeleteItem"),
  UpdateItem: onTable("dynamodb:UpdateItem"),
  Query: onTable("dynamodb:Query"),
  BatchGetItem: onTables("dynamodb:BatchGetItem"),
  BatchWriteItem: onTables("dynamodb:BatchWriteItem"),
  // The sandbox creates its tables itself (as the stack does at deploy time), under no step's role.
  CreateTable: () => [],
};

const MAPPERS: Record<string, Record<string, Mapper>> = {
  autoscaling: { ...autoscaling, ...autoScalingCreation },
  ec2: { ...ec2, ...ec2Creation },
  eks: { ...eks, ...eksCreation },
  elasticloadbalancing: loadBalancingRequests,
  ssm: { ...ssm, ...ssmCreation },
  secretsmanager,
  sts,
  sfn,
  dynamodb,
};
