/**
 * Elastic Load Balancing v2 as far as a self-managed control plane uses it, answering the ELBv2 SDK
 * commands by name: network load balancers (DNS name, VPC, zones, State.Code provisioning then active),
 * TCP target groups (instance or ip targets; preserve_client_ip.enabled true by default for instance
 * targets, false for ip targets over TCP), listeners forwarding to one target group, registered targets
 * and tags. As in ELB: creates are idempotent for the same name and settings and refused as Duplicate…
 * for the same name with others; an unknown name or ARN is LoadBalancerNotFound / TargetGroupNotFound;
 * deleting a balancer that is gone succeeds; deleting one takes its listeners with it, shortly after;
 * a target group a listener still forwards to cannot be deleted (ResourceInUse). Health checks are not simulated: a registered
 * instance that is running reads healthy behind a listener, "unused" otherwise. IAM authorizes each call
 * before it gets here (src/sandbox/iam/requests-load-balancing.ts).
 */
import { createHash } from "node:crypto";
import type { CommandHandler } from "./autoscaling";
import { elbError } from "./errors";
import { type CommandInput, requireString } from "./input";
import {
  attributeList,
  balancerShape,
  defaultAttributes,
  listenerShape,
  NAME,
  PRESERVE_CLIENT_IP,
  type SimBalancer,
  type SimTargetGroup,
  sameList,
  tagsOf,
  targetGroupShape,
} from "./self-managed-nlb-shapes";
import type { RegionContext } from "./world";
import { SANDBOX_ACCOUNT_ID } from "./world";

export type { SimBalancer, SimTargetGroup } from "./self-managed-nlb-shapes";

/**
 * How long a deleted balancer's listeners keep its target groups in use. ELB documents no figure; tools
 * that delete a balancer and then its target groups retry ResourceInUse for a while (the AWS Load
 * Balancer Controller, Terraform), and the sandbox makes that retry necessary.
 */
export const LISTENER_RELEASE_SECONDS = 20;

export class SimulatedLoadBalancers {
  /** By name, as names are unique per account and region. */
  readonly balancers = new Map<string, SimBalancer>();
  readonly targetGroups = new Map<string, SimTargetGroup>();
  /** Told when a load balancer is deleted (the region retires the API server behind it). */
  onDeleted: (balancer: SimBalancer) => void = () => {};
  /** How many resources of a name were created so far: a name made again gets a new id, as in ELB. */
  private readonly generations = new Map<string, number>();
  /**
   * Target groups the listeners of a deleted balancer still hold: ELB tears a balancer's listeners down
   * after DeleteLoadBalancer answers, and DeleteTargetGroup is refused (ResourceInUse) until they are gone.
   */
  private readonly releasing = new Map<string, number>();

  constructor(private readonly ctx: RegionContext) {}

  /** The balancer a host name resolves to. */
  byDnsName(host: string): SimBalancer | undefined {
    return [...this.balancers.values()].find((b) => b.dnsName === host);
  }

  balancerByArn(arn: string): SimBalancer | undefined {
    return [...this.balancers.values()].find((b) => b.arn === arn);
  }

  targetGroupByArn(arn: string): SimTargetGroup | undefined {
    return [...this.targetGroups.values()].find((g) => g.arn === arn);
  }

  /** Tags of a balancer, target group or listener by ARN (what IAM reads as aws:ResourceTag). */
  resourceTags(arn: string): Record<string, string> | undefined {
    const found = this.balancerByArn(arn) ?? this.targetGroupByArn(arn);
    return found ? { ...found.tags } : undefined;
  }

  /**
   * The ARN a CreateLoadBalancer / CreateTargetGroup of this name is authorized on: the existing one's
   * (creation is idempotent), else the one it would be given.
   */
  arnForCreate(kind: "loadbalancer" | "targetgroup", name: string): string {
    const existing = kind === "loadbalancer" ? this.balancers.get(name) : this.targetGroups.get(name);
    return existing?.arn ?? this.newArn(kind, name);
  }

  private newArn(kind: "loadbalancer" | "targetgroup", name: string): string {
    const generation = this.generations.get(`${kind}:${name}`) ?? 0;
    const id = this.id(`${kind}:${name}:${generation}`);
    const resource = kind === "loadbalancer" ? `loadbalancer/net/${name}/${id}` : `targetgroup/${name}/${id}`;
    return `arn:aws:elasticloadbalancing:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:${resource}`;
  }

  private id(seed: string): string {
    return createHash("sha256").update(`${this.ctx.scenario.seed}:${seed}`).digest("hex").slice(0, 16);
  }

  private requireBalancer(arn: string): SimBalancer {
    const found = this.balancerByArn(arn);
    if (!found) throw elbError("LoadBalancerNotFound", `Load balancer '${arn}' not found`);
    return found;
  }

  private requireTargetGroup(arn: string): SimTargetGroup {
    const found = this.targetGroupByArn(arn);
    if (!found) throw elbError("TargetGroupNotFound", `Target groups '${arn}' not found`);
    return found;
  }

  private createLoadBalancer(input: CommandInput) {
    const name = requireString("elasticloadbalancing", input, "Name");
    if (!NAME.test(name) || name.startsWith("internal-")) {
      throw elbError(
        "ValidationError",
        `The load balancer name '${name}' must have at most 32 alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with 'internal-'`,
      );
    }
    const type = input.Type ?? "application";
    if (type !== "network") {
      throw elbError("ValidationError", `The sandbox simulates network load balancers only, not type '${type}'`);
    }
    const scheme = input.Scheme ?? "internet-facing";
    const subnetIds: string[] =
      input.Subnets ?? ((input.SubnetMappings ?? []) as { SubnetId?: string }[]).map((m) => m.SubnetId ?? "");
    if (subnetIds.length === 0) throw elbError("ValidationError", "At least one subnet must be specified");
    const subnets = subnetIds.map((id) => {
      const subnet = this.ctx.world.subnets.get(id);
      if (!subnet) throw elbError("SubnetNotFound", `The subnet ID '${id}' is not valid`);
      return subnet;
    });
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    if (zones.size !== subnets.length) {
      throw elbError(
        "InvalidConfigurationRequest",
        "A load balancer cannot be attached to multiple subnets in the same Availability Zone",
      );
    }
    const vpcs = new Set(subnets.map((s) => s.vpcId));
    if (vpcs.size > 1) throw elbError("InvalidSubnet", "The subnets must all be in the same VPC");
    const existing = this.balancers.get(name);
    if (existing) {
      if (existing.scheme === scheme && sameList(existing.subnetIds, subnetIds)) {
        return { LoadBalancers: [balancerShape(this.ctx, existing)] };
      }
      throw elbError("DuplicateLoadBalancerName", `A load balancer with the name '${name}' already exists`);
    }
    const arn = this.newArn("loadbalancer", name);
    this.generations.set(`loadbalancer:${name}`, (this.generations.get(`loadbalancer:${name}`) ?? 0) + 1);
    const prefix = scheme === "internal" ? "internal-" : "";
    const balancer: SimBalancer = {
      arn,
      name,
      dnsName: `${prefix}${name}-${this.id(`dns:${arn}`).slice(0, 10)}.elb.${this.ctx.regionName}.amazonaws.com`,
      scheme,
      vpcId: subnets[0]?.vpcId ?? "",
      subnetIds: [...subnetIds],
      createdMs: this.ctx.clock.nowMs(),
      tags: tagsOf(input),
      listeners: [],
    };
    this.balancers.set(name, balancer);
    return { LoadBalancers: [balancerShape(this.ctx, balancer)] };
  }

  private describeLoadBalancers(input: CommandInput) {
    const names = (input.Names ?? []) as string[];
    const arns = (input.LoadBalancerArns ?? []) as string[];
    let found: SimBalancer[];
    if (names.length > 0) found = names.map((n) => this.balancers.get(n)).filter((b) => b !== undefined);
    else if (arns.length > 0) found = arns.map((a) => this.balancerByArn(a)).filter((b) => b !== undefined);
    else found = [...this.balancers.values()];
    if (found.length < names.length + arns.length) {
      throw elbError("LoadBalancerNotFound", "One or more load balancers not found");
    }
    return { LoadBalancers: found.map((b) => balancerShape(this.ctx, b)) };
  }

  private describeTags(input: CommandInput) {
    const arns = (input.ResourceArns ?? []) as string[];
    if (arns.length === 0 || arns.length > 20) {
      throw elbError("ValidationError", "ResourceArns must name between 1 and 20 resources");
    }
    return {
      TagDescriptions: arns.map((arn) => {
        const tags = this.resourceTags(arn);
        if (!tags) {
          if (arn.includes(":targetgroup/")) throw elbError("TargetGroupNotFound", `Target groups '${arn}' not found`);
          if (arn.includes(":listener/")) throw elbError("ListenerNotFound", `Listener '${arn}' not found`);
          throw elbError("LoadBalancerNotFound", `Load balancer '${arn}' not found`);
        }
        return { ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
      }),
    };
  }

  private createTargetGroup(input: CommandInput) {
    const name = requireString("elasticloadbalancing", input, "Name");
    if (!NAME.test(name)) {
      throw elbError(
        "ValidationError",
        `The target group name '${name}' must have at most 32 alphanumeric characters or hyphens and must not begin or end with a hyphen`,
      );
    }
    const targetType = input.TargetType ?? "instance";
    if (targetType !== "instance" && targetType !== "ip") {
      throw elbError(
        "ValidationError",
        `The sandbox simulates instance and ip target groups only, not '${targetType}'`,
      );
    }
    const protocol = requireString("elasticloadbalancing", input, "Protocol");
    const vpcId = requireString("elasticloadbalancing", input, "VpcId");
    const port = input.Port;
    if (typeof port !== "number" || port < 1 || port > 65535) {
      throw elbError("ValidationError", "A port between 1 and 65535 must be specified for this target group");
    }
    if (![...this.ctx.world.subnets.values()].some((s) => s.vpcId === vpcId)) {
      throw elbError("ValidationError", `The VPC ID '${vpcId}' is not found`);
    }
    const existing = this.targetGroups.get(name);
    if (existing) {
      const same =
        existing.protocol === protocol &&
        existing.port === port &&
        existing.vpcId === vpcId &&
        existing.targetType === targetType;
      if (same) return { TargetGroups: [targetGroupShape(this.balancers.values(), existing)] };
      throw elbError(
        "DuplicateTargetGroupName",
        `A target group with the same name '${name}' exists, but with different settings`,
      );
    }
    const arn = this.newArn("targetgroup", name);
    this.generations.set(`targetgroup:${name}`, (this.generations.get(`targetgroup:${name}`) ?? 0) + 1);
    const group: SimTargetGroup = {
      arn,
      name,
      vpcId,
      protocol,
      port,
      targetType,
      // ELB's defaults over TCP: client IPs preserved for instance targets, not for ip targets.
      preserveClientIp: targetType === "instance",
      attributes: defaultAttributes(),
      targets: [],
      tags: tagsOf(input),
    };
    this.targetGroups.set(name, group);
    return { TargetGroups: [targetGroupShape(this.balancers.values(), group)] };
  }

  private describeTargetGroups(input: CommandInput) {
    const names = (input.Names ?? []) as string[];
    const arns = (input.TargetGroupArns ?? []) as string[];
    let found: SimTargetGroup[];
    if (names.length > 0) found = names.map((n) => this.targetGroups.get(n)).filter((g) => g !== undefined);
    else if (arns.length > 0) found = arns.map((a) => this.targetGroupByArn(a)).filter((g) => g !== undefined);
    else if (input.LoadBalancerArn) {
      const balancer = this.requireBalancer(input.LoadBalancerArn);
      found = [...this.targetGroups.values()].filter((g) => balancer.listeners.some((l) => l.targetGroupArn === g.arn));
    } else found = [...this.targetGroups.values()];
    if (found.length < names.length + arns.length) {
      throw elbError("TargetGroupNotFound", "One or more target groups not found");
    }
    return { TargetGroups: found.map((g) => targetGroupShape(this.balancers.values(), g)) };
  }

  private modifyTargetGroupAttributes(input: CommandInput) {
    const group = this.requireTargetGroup(requireString("elasticloadbalancing", input, "TargetGroupArn"));
    const changes = (input.Attributes ?? []) as { Key?: string; Value?: string }[];
    for (const { Key, Value } of changes) {
      if (Key === PRESERVE_CLIENT_IP) {
        if (Value !== "true" && Value !== "false") {
          throw elbError("InvalidConfigurationRequest", `${PRESERVE_CLIENT_IP} must be 'true' or 'false'`);
        }
      } else if (Key === undefined || !(Key in group.attributes)) {
        throw elbError("ValidationError", `Target group attribute key '${Key}' is not recognized`);
      }
    }
    for (const { Key, Value } of changes) {
      if (Key === PRESERVE_CLIENT_IP) group.preserveClientIp = Value === "true";
      else if (Key) group.attributes[Key] = Value ?? "";
    }
    return { Attributes: attributeList(group) };
  }

  private describeTargetHealth(input: CommandInput) {
    const group = this.requireTargetGroup(requireString("elasticloadbalancing", input, "TargetGroupArn"));
    const inUse = [...this.balancers.values()].some((b) => b.listeners.some((l) => l.targetGroupArn === group.arn));
    return {
      TargetHealthDescriptions: group.targets.map((id) => {
        const instance = this.ctx.world.instances.get(id);
        const running = group.targetType === "ip" || instance?.state === "running";
        const TargetHealth = !inUse
          ? {
              State: "unused",
              Reason: "Target.NotInUse",
              Description: "Target group is not configured to receive traffic from the load balancer",
            }
          : running
            ? { State: "healthy" }
            : {
                State: "unused",
                Reason: "Target.InvalidState",
                Description: "Target is in the stopped or terminated state",
              };
        return { Target: { Id: id, Port: group.port }, HealthCheckPort: String(group.port), TargetHealth };
      }),
    };
  }

  private createListener(input: CommandInput) {
    const balancer = this.requireBalancer(requireString("elasticloadbalancing", input, "LoadBalancerArn"));
    const protocol = requireString("elasticloadbalancing", input, "Protocol");
    const port = input.Port;
    if (typeof port !== "number" || port < 1 || port > 65535) {
      throw elbError("ValidationError", "A listener port between 1 and 65535 must be specified");
    }
    const actions = (input.DefaultActions ?? []) as { Type?: string; TargetGroupArn?: string }[];
    const forward = actions.length === 1 && actions[0]?.Type === "forward" ? actions[0].TargetGroupArn : undefined;
    if (!forward) throw elbError("ValidationError", "A network load balancer listener needs one forward action");
    const group = this.requireTargetGroup(forward);
    if (group.protocol !== protocol) {
      throw elbError(
        "IncompatibleProtocols",
        `The listener's protocol '${protocol}' is not compatible with target group protocol '${group.protocol}'`,
      );
    }
    if (group.vpcId !== balancer.vpcId) {
      throw elbError("InvalidConfigurationRequest", "The target group is not in the VPC of the load balancer");
    }
    const elsewhere = [...this.balancers.values()].some(
      (b) => b.arn !== balancer.arn && b.listeners.some((l) => l.targetGroupArn === group.arn),
    );
    if (elsewhere) {
      throw elbError(
        "TargetGroupAssociationLimit",
        `The target group '${group.arn}' is already associated with another load balancer`,
      );
    }
    const existing = balancer.listeners.find((l) => l.port === port);
    if (existing) {
      if (existing.protocol === protocol && existing.targetGroupArn === group.arn) {
        return { Listeners: [listenerShape(balancer, existing)] };
      }
      throw elbError("DuplicateListener", "A listener already exists on this port for this load balancer");
    }
    const balancerId = balancer.arn.split("/").pop();
    const arn = `${balancer.arn.replace(":loadbalancer/", ":listener/")}/${this.id(`listener:${balancerId}:${port}`)}`;
    const listener = { arn, port, protocol, targetGroupArn: group.arn };
    balancer.listeners.push(listener);
    return { Listeners: [listenerShape(balancer, listener)] };
  }

  private describeListeners(input: CommandInput) {
    if (input.LoadBalancerArn) {
      const balancer = this.requireBalancer(input.LoadBalancerArn);
      return { Listeners: balancer.listeners.map((l) => listenerShape(balancer, l)) };
    }
    const arns = (input.ListenerArns ?? []) as string[];
    if (arns.length === 0) throw elbError("ValidationError", "A load balancer ARN or listener ARNs must be specified");
    return {
      Listeners: arns.map((arn) => {
        for (const b of this.balancers.values()) {
          const l = b.listeners.find((x) => x.arn === arn);
          if (l) return listenerShape(b, l);
        }
        throw elbError("ListenerNotFound", "One or more listeners not found");
      }),
    };
  }

  private registerTargets(input: CommandInput) {
    const group = this.requireTargetGroup(requireString("elasticloadbalancing", input, "TargetGroupArn"));
    const ids = ((input.Targets ?? []) as { Id?: string }[]).map((t) => t.Id ?? "");
    for (const id of ids) {
      if (group.targetType !== "instance") continue;
      const instance = this.ctx.world.instances.get(id);
      const subnet = instance ? this.ctx.world.subnets.get(instance.subnetId) : undefined;
      if (!instance || instance.state === "terminated" || instance.state === "shutting-down") {
        throw elbError(
          "InvalidTarget",
          `The following targets are not in a running state and cannot be registered: '${id}'`,
        );
      }
      if (subnet && subnet.vpcId !== group.vpcId) {
        throw elbError(
          "InvalidTarget",
          `The following targets are not in the target group VPC '${group.vpcId}': '${id}'`,
        );
      }
    }
    for (const id of ids) if (!group.targets.includes(id)) group.targets.push(id);
    return {};
  }

  private deleteLoadBalancer(input: CommandInput) {
    const arn = requireString("elasticloadbalancing", input, "LoadBalancerArn");
    const balancer = this.balancerByArn(arn);
    // ELB answers success for a load balancer that does not exist or is already deleted.
    if (!balancer) return {};
    this.balancers.delete(balancer.name);
    const untilMs = this.ctx.clock.nowMs() + LISTENER_RELEASE_SECONDS * 1000;
    for (const listener of balancer.listeners) this.releasing.set(listener.targetGroupArn, untilMs);
    this.onDeleted(balancer);
    return {};
  }

  private deleteTargetGroup(input: CommandInput) {
    const arn = requireString("elasticloadbalancing", input, "TargetGroupArn");
    const group = this.targetGroupByArn(arn);
    if (!group) return {};
    const inUse =
      [...this.balancers.values()].some((b) => b.listeners.some((l) => l.targetGroupArn === arn)) ||
      (this.releasing.get(arn) ?? 0) > this.ctx.clock.nowMs();
    if (inUse) throw elbError("ResourceInUse", `Target group '${arn}' is currently in use by a listener or a rule`);
    this.targetGroups.delete(group.name);
    return {};
  }

  /** The ELBv2 commands this region answers (service id "elasticloadbalancing"). */
  commands(): Record<string, CommandHandler> {
    return {
      CreateLoadBalancer: (input) => this.createLoadBalancer(input),
      DescribeLoadBalancers: (input) => this.describeLoadBalancers(input),
      DescribeTags: (input) => this.describeTags(input),
      CreateTargetGroup: (input) => this.createTargetGroup(input),
      DescribeTargetGroups: (input) => this.describeTargetGroups(input),
      DescribeTargetGroupAttributes: (input) => ({
        Attributes: attributeList(
          this.requireTargetGroup(requireString("elasticloadbalancing", input, "TargetGroupArn")),
        ),
      }),
      ModifyTargetGroupAttributes: (input) => this.modifyTargetGroupAttributes(input),
      DescribeTargetHealth: (input) => this.describeTargetHealth(input),
      CreateListener: (input) => this.createListener(input),
      DescribeListeners: (input) => this.describeListeners(input),
      RegisterTargets: (input) => this.registerTargets(input),
      DeleteLoadBalancer: (input) => this.deleteLoadBalancer(input),
      DeleteTargetGroup: (input) => this.deleteTargetGroup(input),
    };
  }
}
