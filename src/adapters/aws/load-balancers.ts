/**
 * Elastic Load Balancing v2 for a self-managed control plane's API server: an internal network load
 * balancer, its TCP target group (with preserve_client_ip.enabled read and set), the listener that
 * forwards to it and the registered control-plane instances. Lookups are by name; ELB answers a name it
 * does not know with LoadBalancerNotFound / TargetGroupNotFound, which are read as "absent". Tags and
 * target group attributes come from their own calls (DescribeTags, DescribeTargetGroupAttributes),
 * as ELB returns neither with the resource.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  type Tag,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { LoadBalancerPort, LoadBalancerView, TargetGroupView } from "../../core/create/self-managed/ports";
import { awsErrorCode, toStepError } from "./classify";

/** The target group attribute that decides whether the NLB keeps the client's source address. */
export const PRESERVE_CLIENT_IP = "preserve_client_ip.enabled";

/** ELB's query-protocol code, or the SDK's exception name for it: either reads the same. */
function hasCode(err: unknown, code: string): boolean {
  const found = awsErrorCode(err);
  return found === code || found === `${code}Exception` || (err as { name?: unknown })?.name === `${code}Exception`;
}

function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export class LoadBalancersAdapter implements LoadBalancerPort {
  constructor(private readonly elb: ElasticLoadBalancingV2Client) {}

  async describeLoadBalancer(name: string): Promise<LoadBalancerView | undefined> {
    try {
      const out = await this.elb.send(new DescribeLoadBalancersCommand({ Names: [name] }));
      const balancer = out.LoadBalancers?.[0];
      if (!balancer?.LoadBalancerArn) return undefined;
      return {
        arn: balancer.LoadBalancerArn,
        name: balancer.LoadBalancerName ?? name,
        dnsName: balancer.DNSName ?? "",
        scheme: balancer.Scheme === "internet-facing" ? "internet-facing" : "internal",
        state: balancer.State?.Code ?? "unknown",
        tags: await this.tagsOf(balancer.LoadBalancerArn),
      };
    } catch (err) {
      // Unknown name (or deleted between the two reads): absent.
      if (hasCode(err, "LoadBalancerNotFound")) return undefined;
      throw toStepError(err, `describing load balancer ${name}`);
    }
  }

  async createLoadBalancer(request: { name: string; subnetIds: string[]; tags: Record<string, string> }) {
    try {
      // Idempotent in ELB: the same name with the same settings answers with the existing balancer.
      await this.elb.send(
        new CreateLoadBalancerCommand({
          Name: request.name,
          Type: "network",
          Scheme: "internal",
          IpAddressType: "ipv4",
          Subnets: request.subnetIds,
          Tags: tagList(request.tags),
        }),
      );
    } catch (err) {
      throw toStepError(err, `creating load balancer ${request.name}`);
    }
  }

  async describeTargetGroup(name: string): Promise<TargetGroupView | undefined> {
    let group: TargetGroup | undefined;
    try {
      const out = await this.elb.send(new DescribeTargetGroupsCommand({ Names: [name] }));
      group = out.TargetGroups?.[0];
    } catch (err) {
      if (hasCode(err, "TargetGroupNotFound")) return undefined;
      throw toStepError(err, `describing target group ${name}`);
    }
    const arn = group?.TargetGroupArn;
    if (!arn) return undefined;
    try {
      const [attributes, health, tags] = await Promise.all([
        this.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })),
        this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
        this.tagsOf(arn),
      ]);
      const preserve = attributes.Attributes?.find((a) => a.Key === PRESERVE_CLIENT_IP)?.Value;
      return {
        arn,
        name: group?.TargetGroupName ?? name,
        port: group?.Port ?? 0,
        targetType: group?.TargetType === "ip" ? "ip" : "instance",
        preserveClientIp: preserve === "true",
        targets: (health.TargetHealthDescriptions ?? []).flatMap((d) => (d.Target?.Id ? [d.Target.Id] : [])),
        tags,
      };
    } catch (err) {
      // Deleted between the two reads: as good as never found.
      if (hasCode(err, "TargetGroupNotFound")) return undefined;
      throw toStepError(err, `reading target group ${name}`);
    }
  }

  async createTargetGroup(request: {
    name: string;
    vpcId: string;
    port: number;
    targetType: "instance" | "ip";
    tags: Record<string, string>;
  }): Promise<void> {
    try {
      await this.elb.send(
        new CreateTargetGroupCommand({
          Name: request.name,
          Protocol: "TCP",
          Port: request.port,
          VpcId: request.vpcId,
          TargetType: request.targetType,
          HealthCheckProtocol: "TCP",
          Tags: tagList(request.tags),
        }),
      );
    } catch (err) {
      throw toStepError(err, `creating target group ${request.name}`);
    }
  }

  async setPreserveClientIp(targetGroupArn: string, enabled: boolean): Promise<void> {
    try {
      await this.elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: targetGroupArn,
          Attributes: [{ Key: PRESERVE_CLIENT_IP, Value: String(enabled) }],
        }),
      );
    } catch (err) {
      throw toStepError(err, `setting ${PRESERVE_CLIENT_IP} on ${targetGroupArn}`);
    }
  }

  async listeners(loadBalancerArn: string): Promise<{ port: number; targetGroupArn: string }[]> {
    const listeners: { port: number; targetGroupArn: string }[] = [];
    let marker: string | undefined;
    try {
      do {
        const out = await this.elb.send(
          new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, ...(marker ? { Marker: marker } : {}) }),
        );
        for (const listener of out.Listeners ?? []) {
          const forward = listener.DefaultActions?.find((a) => a.Type === "forward");
          const targetGroupArn =
            forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? "";
          if (listener.Port !== undefined) listeners.push({ port: listener.Port, targetGroupArn });
        }
        marker = out.NextMarker;
      } while (marker);
    } catch (err) {
      if (hasCode(err, "LoadBalancerNotFound")) return [];
      throw toStepError(err, `listing listeners of ${loadBalancerArn}`);
    }
    return listeners;
  }

  async createListener(loadBalancerArn: string, port: number, targetGroupArn: string): Promise<void> {
    try {
      await this.elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: loadBalancerArn,
          Protocol: "TCP",
          Port: port,
          DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
        }),
      );
    } catch (err) {
      throw toStepError(err, `creating a TCP listener on port ${port} of ${loadBalancerArn}`);
    }
  }

  async registerTargets(targetGroupArn: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.elb.send(
        new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: ids.map((Id) => ({ Id })) }),
      );
    } catch (err) {
      throw toStepError(err, `registering ${ids.join(", ")} with ${targetGroupArn}`);
    }
  }

  async deleteLoadBalancer(arn: string): Promise<void> {
    try {
      // ELB answers success for a balancer already gone; its listeners go with it.
      await this.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    } catch (err) {
      if (hasCode(err, "LoadBalancerNotFound")) return;
      throw toStepError(err, `deleting load balancer ${arn}`);
    }
  }

  async deleteTargetGroup(arn: string): Promise<"deleted" | "in-use"> {
    try {
      await this.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
      return "deleted";
    } catch (err) {
      // A listener still forwards to it (its balancer's deletion has not finished): the caller retries.
      if (hasCode(err, "ResourceInUse")) return "in-use";
      if (hasCode(err, "TargetGroupNotFound")) return "deleted";
      throw toStepError(err, `deleting target group ${arn}`);
    }
  }

  private async tagsOf(arn: string): Promise<Record<string, string>> {
    const out = await this.elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
    const description = out.TagDescriptions?.find((d) => d.ResourceArn === arn);
    return Object.fromEntries((description?.Tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? ""]] : [])));
  }
}
