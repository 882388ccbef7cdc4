/**
 * What IAM authorizes for the Elastic Load Balancing v2 calls of a self-managed control plane, as the
 * service authorization reference lists them: the Describe* calls have no resource-level permissions
 * ("*"); CreateLoadBalancer and CreateTargetGroup are authorized on the ARN of what they make, with the
 * request's tags (and, when the request carries tags, elasticloadbalancing:AddTags with
 * elasticloadbalancing:CreateAction); CreateListener on its load balancer; RegisterTargets,
 * ModifyTargetGroupAttributes and DeleteTargetGroup on the target group; DeleteLoadBalancer on the
 * balancer; each with the resource's tags as aws:ResourceTag/….
 */
import type { AuthorizationRequest, ResourceDirectory } from "./requests";

// biome-ignore lint/suspicious/noExplicitAny: inputs are the SDK's command shapes, read loosely here.
type Input = Record<string, any>;
type Mapper = (input: Input, dir: ResourceDirectory) => AuthorizationRequest[];

function requestTags(input: Input): Record<string, string | string[]> {
  const tags = ((input.Tags ?? []) as { Key?: string; Value?: string }[]).filter((t) => t.Key);
  const context: Record<string, string | string[]> = { "aws:TagKeys": tags.map((t) => t.Key as string) };
  for (const { Key, Value } of tags) context[`aws:RequestTag/${Key}`] = Value ?? "";
  return context;
}

function resourceTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

const anyResource =
  (action: string): Mapper =>
  () => [{ action, resource: "*", context: {} }];

/** An action on the resource an ARN member names, with that resource's tags (none when it does not exist). */
const onArn =
  (action: string, field: string): Mapper =>
  (input, dir) => {
    const arn = String(input[field] ?? "");
    return [{ action, resource: arn, context: resourceTags(dir.loadBalancingTags(arn)) }];
  };

const create =
  (kind: "loadbalancer" | "targetgroup", command: "CreateLoadBalancer" | "CreateTargetGroup"): Mapper =>
  (input, dir) => {
    const resource = dir.loadBalancingArnForCreate(kind, String(input.Name ?? ""));
    const context = requestTags(input);
    const requests: AuthorizationRequest[] = [{ action: `elasticloadbalancing:${command}`, resource, context }];
    // AWS also checks AddTags (with CreateAction) for a tagged CreateTargetGroup, and the stack grants it;
    // the IAM reference data the simulator evaluates with lists AddTags for load balancers only, so it is
    // asked for load balancers alone.
    if ((input.Tags ?? []).length > 0 && kind === "loadbalancer") {
      requests.push({
        action: "elasticloadbalancing:AddTags",
        resource,
        context: { ...context, "elasticloadbalancing:CreateAction": command },
      });
    }
    return requests;
  };

export const loadBalancingRequests: Record<string, Mapper> = {
  DescribeLoadBalancers: anyResource("elasticloadbalancing:DescribeLoadBalancers"),
  DescribeTargetGroups: anyResource("elasticloadbalancing:DescribeTargetGroups"),
  DescribeTargetGroupAttributes: anyResource("elasticloadbalancing:DescribeTargetGroupAttributes"),
  DescribeTargetHealth: anyResource("elasticloadbalancing:DescribeTargetHealth"),
  DescribeListeners: anyResource("elasticloadbalancing:DescribeListeners"),
  DescribeTags: anyResource("elasticloadbalancing:DescribeTags"),
  CreateLoadBalancer: create("loadbalancer", "CreateLoadBalancer"),
  CreateTargetGroup: create("targetgroup", "CreateTargetGroup"),
  CreateListener: onArn("elasticloadbalancing:CreateListener", "LoadBalancerArn"),
  ModifyTargetGroupAttributes: onArn("elasticloadbalancing:ModifyTargetGroupAttributes", "TargetGroupArn"),
  RegisterTargets: onArn("elasticloadbalancing:RegisterTargets", "TargetGroupArn"),
  DeleteLoadBalancer: onArn("elasticloadbalancing:DeleteLoadBalancer", "LoadBalancerArn"),
  DeleteTargetGroup: onArn("elasticloadbalancing:DeleteTargetGroup", "TargetGroupArn"),
};
