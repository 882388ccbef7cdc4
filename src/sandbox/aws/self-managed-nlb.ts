/**
 * Elastic Load Balancing v2 as far as a self-managed control plane uses it: internal network load
 * balancers, TCP target groups (instance or ip targets, preserve_client_ip.enabled true by default for
 * instance targets, false for ip targets over TCP), listeners and registered targets. Tugboat has no
 * ELBv2 SDK client, so this is reached through the LoadBalancerPort the sandbox plugs into a step's
 * dependencies; every call is authorized by IAM as the step's role and metered like an SDK call. A
 * target group a listener still forwards to cannot be deleted (ResourceInUse).
 */
import { createHash } from "node:crypto";
import type { LoadBalancerPort, LoadBalancerView, TargetGroupView } from "../../core/create/self-managed/ports";
import type { AuthorizationRequest } from "../iam/requests";
import type { RegionContext } from "./world";
import { SANDBOX_ACCOUNT_ID } from "./world";

export interface SimBalancer {
  arn: string;
  name: string;
  dnsName: string;
  subnetIds: string[];
  tags: Record<string, string>;
  listeners: { arn: string; port: number; targetGroupArn: string }[];
}

export interface SimTargetGroup {
  arn: string;
  name: string;
  vpcId: string;
  port: number;
  targetType: "instance" | "ip";
  preserveClientIp: boolean;
  targets: string[];
  tags: Record<string, string>;
}

export type Authorize = (command: string, requests: AuthorizationRequest[]) => Promise<void>;

class LoadBalancingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export class SimulatedLoadBalancers {
  readonly balancers = new Map<string, SimBalancer>();
  readonly targetGroups = new Map<string, SimTargetGroup>();
  /** Told when a load balancer is deleted (the region retires the API server behind it). */
  onDeleted: (balancer: SimBalancer) => void = () => {};

  constructor(private readonly ctx: RegionContext) {}

  private arn(resource: string): string {
    return `arn:aws:elasticloadbalancing:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:${resource}`;
  }

  private id(seed: string): string {
    return createHash("sha256").update(`${this.ctx.scenario.seed}:${seed}`).digest("hex").slice(0, 16);
  }

  /** The balancer a host name resolves to. */
  byDnsName(host: string): SimBalancer | undefined {
    return [...this.balancers.values()].find((b) => b.dnsName === host);
  }

  targetGroupByArn(arn: string): SimTargetGroup | undefined {
    return [...this.targetGroups.values()].find((g) => g.arn === arn);
  }

  /** The port a step's role reaches ELB through: each call authorized first, as IAM would. */
  port(authorize: Authorize): LoadBalancerPort {
    const tagContext = (tags: Record<string, string>, prefix: string) =>
      Object.fromEntries(Object.entries(tags).map(([k, v]) => [`${prefix}/${k}`, v]));
    const requestTags = (tags: Record<string, string>) => ({
      ...tagContext(tags, "aws:RequestTag"),
      "aws:TagKeys": Object.keys(tags),
    });
    const onResource = (action: string, arn: string, tags: Record<string, string>): AuthorizationRequest => ({
      action,
      resource: arn,
      context: tagContext(tags, "aws:ResourceTag"),
    });
    const describe = (action: string): AuthorizationRequest => ({ action, resource: "*", context: {} });
    const group = (arn: string) => {
      const found = this.targetGroupByArn(arn);
      if (!found) throw new LoadBalancingError("TargetGroupNotFound", `Target groups '${arn}' not found`);
      return found;
    };
    return {
      describeLoadBalancer: async (name): Promise<LoadBalancerView | undefined> => {
        await authorize("DescribeLoadBalancers", [describe("elasticloadbalancing:DescribeLoadBalancers")]);
        await authorize("DescribeTags", [describe("elasticloadbalancing:DescribeTags")]);
        const b = this.balancers.get(name);
        return b
          ? { arn: b.arn, name: b.name, dnsName: b.dnsName, scheme: "internal", state: "active", tags: { ...b.tags } }
          : undefined;
      },
      createLoadBalancer: async ({ name, subnetIds, tags }) => {
        const arn = this.arn(`loadbalancer/net/${name}/${this.id(`lb:${name}`)}`);
        await authorize("CreateLoadBalancer", [
          { action: "elasticloadbalancing:CreateLoadBalancer", resource: arn, context: requestTags(tags) },
          {
            action: "elasticloadbalancing:AddTags",
            resource: arn,
            context: { ...requestTags(tags), "elasticloadbalancing:CreateAction": "CreateLoadBalancer" },
          },
        ]);
        if (this.balancers.has(name)) {
          throw new LoadBalancingError("DuplicateLoadBalancerName", "A load balancer with the same name exists");
        }
        for (const id of subnetIds) {
          if (!this.ctx.world.subnets.has(id))
            throw new LoadBalancingError("SubnetNotFound", `Subnet '${id}' not found`);
        }
        const dnsName = `internal-${name}-${this.id(`dns:${name}`).slice(0, 10)}.elb.${this.ctx.regionName}.amazonaws.com`;
        this.balancers.set(name, { arn, name, dnsName, subnetIds: [...subnetIds], tags: { ...tags }, listeners: [] });
      },
      describeTargetGroup: async (name): Promise<TargetGroupView | undefined> => {
        await authorize("DescribeTargetGroups", [describe("elasticloadbalancing:DescribeTargetGroups")]);
        const g = this.targetGroups.get(name);
        if (!g) return undefined;
        await authorize("DescribeTargetGroupAttributes", [
          describe("elasticloadbalancing:DescribeTargetGroupAttributes"),
        ]);
        await authorize("DescribeTargetHealth", [describe("elasticloadbalancing:DescribeTargetHealth")]);
        await authorize("DescribeTags", [describe("elasticloadbalancing:DescribeTags")]);
        return { ...g, targets: [...g.targets], tags: { ...g.tags } };
      },
      createTargetGroup: async ({ name, vpcId, port, targetType, tags }) => {
        const arn = this.arn(`targetgroup/${name}/${this.id(`tg:${name}`)}`);
        await authorize("CreateTargetGroup", [
          // AWS also checks elasticloadbalancing:AddTags on the target group (the stack grants it); the IAM
          // reference data the simulator evaluates with lists AddTags for load balancers only, so it is not asked here.
          { action: "elasticloadbalancing:CreateTargetGroup", resource: arn, context: requestTags(tags) },
        ]);
        if (this.targetGroups.has(name)) {
          throw new LoadBalancingError("DuplicateTargetGroupName", "A target group with the same name exists");
        }
        // ELB's defaults for TCP: client IP preserved for instance targets, not for ip targets.
        const preserveClientIp = targetType === "instance";
        this.targetGroups.set(name, {
          arn,
          name,
          vpcId,
          port,
          targetType,
          preserveClientIp,
          targets: [],
          tags: { ...tags },
        });
      },
      setPreserveClientIp: async (arn, enabled) => {
        const g = group(arn);
        await authorize("ModifyTargetGroupAttributes", [
          onResource("elasticloadbalancing:ModifyTargetGroupAttributes", arn, g.tags),
        ]);
        g.preserveClientIp = enabled;
      },
      listeners: async (balancerArn) => {
        await authorize("DescribeListeners", [describe("elasticloadbalancing:DescribeListeners")]);
        const b = [...this.balancers.values()].find((x) => x.arn === balancerArn);
        return (b?.listeners ?? []).map((l) => ({ port: l.port, targetGroupArn: l.targetGroupArn }));
      },
      createListener: async (balancerArn, port, targetGroupArn) => {
        const b = [...this.balancers.values()].find((x) => x.arn === balancerArn);
        if (!b) throw new LoadBalancingError("LoadBalancerNotFound", `Load balancer '${balancerArn}' not found`);
        await authorize("CreateListener", [onResource("elasticloadbalancing:CreateListener", balancerArn, b.tags)]);
        group(targetGroupArn);
        if (b.listeners.some((l) => l.port === port)) {
          throw new LoadBalancingError("DuplicateListener", "A listener already exists on that port");
        }
        const arn = this.arn(`listener/net/${b.name}/${this.id(`lb:${b.name}`)}/${this.id(`ln:${b.name}:${port}`)}`);
        b.listeners.push({ arn, port, targetGroupArn });
      },
      registerTargets: async (arn, ids) => {
        const g = group(arn);
        await authorize("RegisterTargets", [onResource("elasticloadbalancing:RegisterTargets", arn, g.tags)]);
        for (const id of ids) if (!g.targets.includes(id)) g.targets.push(id);
      },
      deleteLoadBalancer: async (arn) => {
        const b = [...this.balancers.values()].find((x) => x.arn === arn);
        if (!b) return;
        await authorize("DeleteLoadBalancer", [onResource("elasticloadbalancing:DeleteLoadBalancer", arn, b.tags)]);
        this.balancers.delete(b.name);
        this.onDeleted(b);
      },
      deleteTargetGroup: async (arn) => {
        const g = this.targetGroupByArn(arn);
        if (!g) return "deleted";
        await authorize("DeleteTargetGroup", [onResource("elasticloadbalancing:DeleteTargetGroup", arn, g.tags)]);
        const inUse = [...this.balancers.values()].some((b) => b.listeners.some((l) => l.targetGroupArn === arn));
        if (inUse) return "in-use";
        this.targetGroups.delete(g.name);
        return "deleted";
      },
    };
  }
}
