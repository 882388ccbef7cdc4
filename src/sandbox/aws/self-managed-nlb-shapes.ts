/**
 * The state the simulated ELBv2 keeps for a self-managed control plane (load balancers, target groups,
 * listeners) and the shapes its answers take, as the ELBv2 API returns them.
 */
import type { CommandInput } from "./input";
import type { RegionContext } from "./world";

/** How long a new network load balancer reads `provisioning` before `active`. */
export const NLB_PROVISIONING_SECONDS = 180;

export interface SimBalancer {
  arn: string;
  name: string;
  dnsName: string;
  scheme: "internal" | "internet-facing";
  vpcId: string;
  subnetIds: string[];
  createdMs: number;
  tags: Record<string, string>;
  listeners: { arn: string; port: number; protocol: string; targetGroupArn: string }[];
}

export interface SimTargetGroup {
  arn: string;
  name: string;
  vpcId: string;
  protocol: string;
  port: number;
  targetType: "instance" | "ip";
  preserveClientIp: boolean;
  /** The other attributes ELB reports, as strings. */
  attributes: Record<string, string>;
  targets: string[];
  tags: Record<string, string>;
}

export const PRESERVE_CLIENT_IP = "preserve_client_ip.enabled";

/** A target group's attributes other than preserve_client_ip.enabled, with ELB's defaults for TCP. */
export function defaultAttributes(): Record<string, string> {
  return {
    "deregistration_delay.timeout_seconds": "300",
    "deregistration_delay.connection_termination.enabled": "false",
    "proxy_protocol_v2.enabled": "false",
    "stickiness.enabled": "false",
    "stickiness.type": "source_ip",
    "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
  };
}

export const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

export function tagsOf(input: CommandInput): Record<string, string> {
  const list = (input.Tags ?? []) as { Key?: string; Value?: string }[];
  return Object.fromEntries(list.filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? ""]));
}

export const sameList = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function balancerShape(ctx: RegionContext, b: SimBalancer) {
  const provisioned = ctx.clock.nowMs() - b.createdMs >= NLB_PROVISIONING_SECONDS * 1000;
  return {
    LoadBalancerArn: b.arn,
    DNSName: b.dnsName,
    CreatedTime: new Date(b.createdMs),
    LoadBalancerName: b.name,
    Scheme: b.scheme,
    VpcId: b.vpcId,
    State: { Code: provisioned ? "active" : "provisioning" },
    Type: "network",
    AvailabilityZones: b.subnetIds.map((id) => ({
      ZoneName: ctx.world.subnets.get(id)?.availabilityZone,
      SubnetId: id,
      LoadBalancerAddresses: [],
    })),
    IpAddressType: "ipv4",
  };
}

export function targetGroupShape(all: Iterable<SimBalancer>, g: SimTargetGroup) {
  const balancers = [...all].filter((b) => b.listeners.some((l) => l.targetGroupArn === g.arn));
  return {
    TargetGroupArn: g.arn,
    TargetGroupName: g.name,
    Protocol: g.protocol,
    Port: g.port,
    VpcId: g.vpcId,
    HealthCheckProtocol: "TCP",
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 10,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    LoadBalancerArns: balancers.map((b) => b.arn),
    TargetType: g.targetType,
    IpAddressType: "ipv4",
  };
}

export function listenerShape(b: SimBalancer, l: SimBalancer["listeners"][number]) {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: b.arn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: [
      {
        Type: "forward",
        TargetGroupArn: l.targetGroupArn,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: l.targetGroupArn, Weight: 1 }] },
      },
    ],
  };
}

export function attributeList(g: SimTargetGroup) {
  return Object.entries({ ...g.attributes, [PRESERVE_CLIENT_IP]: String(g.preserveClientIp) }).map(([Key, Value]) => ({
    Key,
    Value,
  }));
}
