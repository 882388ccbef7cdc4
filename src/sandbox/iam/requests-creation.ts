/**
 * What IAM authorizes for the calls that create and delete clusters (src/core/create), as the service
 * authorization reference lists them: creates are authorized on the resource they would make, with the
 * request's tags as `aws:RequestTag/…` (and the created resource's own ARN for a cluster); passing the
 * cluster or node role is iam:PassRole to eks.amazonaws.com; CreateAutoScalingGroup with a launch
 * template also needs ec2:RunInstances on it and iam:PassRole of its instance profile's role to EC2;
 * tagging a launch template at creation needs ec2:CreateTags with ec2:CreateAction.
 */
import type { AuthorizationRequest, ResourceDirectory } from "./requests";

// biome-ignore lint/suspicious/noExplicitAny: inputs are the SDK's command shapes, read loosely here.
type Input = Record<string, any>;
type Mapper = (input: Input, dir: ResourceDirectory) => AuthorizationRequest[];

const arn = (dir: ResourceDirectory, service: string, resource: string) =>
  `arn:aws:${service}:${dir.region}:${dir.account}:${resource}`;

function requestTags(tags: Record<string, string>): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = { "aws:TagKeys": Object.keys(tags) };
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}

function listTags(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? ""]));
}

function clusterArn(dir: ResourceDirectory, cluster: string) {
  return dir.cluster(cluster)?.arn ?? arn(dir, "eks", `cluster/${cluster}`);
}

const passRole = (role: string, service: string): AuthorizationRequest => ({
  action: "iam:PassRole",
  resource: role,
  context: { "iam:PassedToService": service },
});

const onClusterNamed =
  (action: string, field: string): Mapper =>
  (input, dir) => [{ action, resource: clusterArn(dir, String(input[field] ?? "")), context: {} }];

const accessEntryArn = (dir: ResourceDirectory, input: Input) =>
  arn(
    dir,
    "eks",
    `access-entry/${input.clusterName}/role/${dir.account}/${String(input.principalArn ?? "")
      .split("/")
      .pop()}/*`,
  );

export const eksCreation: Record<string, Mapper> = {
  CreateCluster: (input) => [
    {
      // CreateCluster has no resource-level permissions: it is authorized on "*", with the request's tags.
      action: "eks:CreateCluster",
      resource: "*",
      context: requestTags(input.tags ?? {}),
    },
    passRole(String(input.roleArn ?? ""), "eks.amazonaws.com"),
  ],
  DeleteCluster: (input, dir) => {
    const found = dir.cluster(String(input.name ?? ""));
    const context: Record<string, string> = {};
    for (const [key, value] of Object.entries(found?.tags ?? {})) context[`aws:ResourceTag/${key}`] = value;
    return [{ action: "eks:DeleteCluster", resource: clusterArn(dir, String(input.name ?? "")), context }];
  },
  CreateAccessEntry: onClusterNamed("eks:CreateAccessEntry", "clusterName"),
  DescribeAccessEntry: (input, dir) => [
    { action: "eks:DescribeAccessEntry", resource: accessEntryArn(dir, input), context: {} },
  ],
  UpdateAccessEntry: (input, dir) => [
    { action: "eks:UpdateAccessEntry", resource: accessEntryArn(dir, input), context: {} },
  ],
  CreateAddon: onClusterNamed("eks:CreateAddon", "clusterName"),
  DeleteAddon: (input, dir) => [
    {
      action: "eks:DeleteAddon",
      resource:
        dir.addon(input.clusterName, input.addonName)?.arn ??
        arn(dir, "eks", `addon/${input.clusterName}/${input.addonName}/unknown`),
      context: {},
    },
  ],
  CreateNodegroup: (input, dir) => [
    {
      action: "eks:CreateNodegroup",
      resource: clusterArn(dir, String(input.clusterName ?? "")),
      context: requestTags(input.tags ?? {}),
    },
    passRole(String(input.nodeRole ?? ""), "eks.amazonaws.com"),
  ],
  DeleteNodegroup: (input, dir) => [
    {
      action: "eks:DeleteNodegroup",
      resource:
        dir.nodegroup(input.clusterName, input.nodegroupName)?.arn ??
        arn(dir, "eks", `nodegroup/${input.clusterName}/${input.nodegroupName}/unknown`),
      context: {},
    },
  ],
};

export const ec2Creation: Record<string, Mapper> = {
  CreateLaunchTemplate: (input, dir) => {
    const tags = listTags(
      ((input.TagSpecifications ?? []) as { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[]).find(
        (s) => s.ResourceType === "launch-template",
      )?.Tags,
    );
    const resource = arn(dir, "ec2", "launch-template/*");
    return [
      { action: "ec2:CreateLaunchTemplate", resource, context: requestTags(tags) },
      ...(Object.keys(tags).length > 0
        ? [
            {
              action: "ec2:CreateTags",
              resource,
              context: { ...requestTags(tags), "ec2:CreateAction": "CreateLaunchTemplate" },
            },
          ]
        : []),
    ];
  },
  DeleteLaunchTemplate: (input, dir) => {
    const template = dir.launchTemplate({ id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    const id = template?.id ?? input.LaunchTemplateId ?? input.LaunchTemplateName;
    const context: Record<string, string> = {};
    for (const [key, value] of Object.entries(template?.tags ?? {})) context[`aws:ResourceTag/${key}`] = value;
    return [{ action: "ec2:DeleteLaunchTemplate", resource: arn(dir, "ec2", `launch-template/${id}`), context }];
  },
};

export const autoScalingCreation: Record<string, Mapper> = {
  CreateAutoScalingGroup: (input, dir) => {
    const tags = listTags(input.Tags);
    const requests: AuthorizationRequest[] = [
      {
        action: "autoscaling:CreateAutoScalingGroup",
        resource: arn(dir, "autoscaling", `autoScalingGroup:*:autoScalingGroupName/${input.AutoScalingGroupName}`),
        context: requestTags(tags),
      },
    ];
    const spec = input.LaunchTemplate;
    if (spec) {
      const template = dir.launchTemplate({ id: spec.LaunchTemplateId, name: spec.LaunchTemplateName }, spec.Version);
      const context: Record<string, string> = {};
      for (const [key, value] of Object.entries(template?.tags ?? {})) context[`aws:ResourceTag/${key}`] = value;
      requests.push({
        action: "ec2:RunInstances",
        resource: arn(dir, "ec2", `launch-template/${template?.id ?? spec.LaunchTemplateName}`),
        context,
      });
      if (template?.instanceProfile) {
        requests.push(passRole(`arn:aws:iam::${dir.account}:role/${template.instanceProfile}`, "ec2.amazonaws.com"));
      }
    }
    return requests;
  },
  DeleteAutoScalingGroup: (input, dir) => {
    const found = dir.group(String(input.AutoScalingGroupName ?? ""));
    const context: Record<string, string> = {};
    for (const [key, value] of Object.entries(found?.tags ?? {})) {
      context[`aws:ResourceTag/${key}`] = value;
      context[`autoscaling:ResourceTag/${key}`] = value;
    }
    return [
      {
        action: "autoscaling:DeleteAutoScalingGroup",
        resource:
          found?.arn ??
          arn(dir, "autoscaling", `autoScalingGroup:*:autoScalingGroupName/${input.AutoScalingGroupName}`),
        context,
      },
    ];
  },
};

const parameterArn = (dir: ResourceDirectory, name: string) =>
  arn(dir, "ssm", `parameter/${name.startsWith("/") ? name.slice(1) : name}`);

/** A self-managed cluster's join material: SSM parameters written and deleted by name. */
export const ssmCreation: Record<string, Mapper> = {
  PutParameter: (input, dir) => [
    { action: "ssm:PutParameter", resource: parameterArn(dir, String(input.Name ?? "")), context: {} },
  ],
  DeleteParameter: (input, dir) => [
    { action: "ssm:DeleteParameter", resource: parameterArn(dir, String(input.Name ?? "")), context: {} },
  ],
  // Run Command is authorized on the document (AWS's own: no account in its ARN) and on each instance,
  // with the instance's tags (an Auto Scaling group's propagate to its instances).
  SendCommand: (input, dir) => [
    {
      action: "ssm:SendCommand",
      resource: `arn:aws:ssm:${dir.region}::document/${String(input.DocumentName ?? "")}`,
      context: {},
    },
    ...((input.InstanceIds ?? []) as string[]).map((id) => {
      const context: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(dir.groupOfInstance(id)?.tags ?? {})) {
        context[`aws:ResourceTag/${key}`] = value;
      }
      return { action: "ssm:SendCommand", resource: arn(dir, "ec2", `instance/${id}`), context };
    }),
  ],
  GetCommandInvocation: () => [{ action: "ssm:GetCommandInvocation", resource: "*", context: {} }],
};
