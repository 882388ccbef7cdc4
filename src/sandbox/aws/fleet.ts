/**
 * The EC2 side of the region: machines and their state machine, pending → running → shutting-down →
 * terminated, on the virtual clock. The fleet tells the Kubernetes side (InstanceLifecycleListener)
 * what a kubelet would notice and tells Auto Scaling (FleetHooks) what its health checks would.
 *
 * Timing: each instance's boot is sampled from `timing.instanceBootSeconds` (published figures for
 * EKS-optimized AMIs: 60-120 s);
 * shutting-down lasts SHUTDOWN_SECONDS; a terminated instance stays visible in DescribeInstances for
 * an hour, as EC2 documents, with its private DNS name cleared.
 */
import { flat } from "../flat";
import type { LaunchedInstance } from "../links";
import type { CapacityType, SimImage, SimInstance, SimSubnet } from "./model";
import { isoSeconds, type RegionContext } from "./world";

/** EC2 shutting-down → terminated; observed to take well under a minute for EBS-backed instances. */
export const SHUTDOWN_SECONDS = 30;
/** EC2 keeps terminated instances in DescribeInstances output for about an hour. */
export const TERMINATED_VISIBLE_SECONDS = 3600;

export interface FleetHooks {
  /** EC2 state running (boot finished). */
  onRunning(instance: SimInstance): void;
  /** EC2 state shutting-down, whoever asked for it. */
  onShuttingDown(instance: SimInstance): void;
  /** EC2 state terminated. */
  onTerminated(instance: SimInstance): void;
}

export interface LaunchSpec {
  subnet: SimSubnet;
  image: SimImage;
  instanceType: string;
  capacityType: CapacityType;
  launchTemplate?: { id: string; name: string; version: number };
  tags: Record<string, string>;
  groupName?: string;
  clusterName: string;
  nodeGroup: string;
  labels: Record<string, string>;
  /** Instances present when the scenario starts: already running, nodes Ready at once. */
  initial: boolean;
}

export class Ec2Fleet {
  hooks: FleetHooks = { onRunning() {}, onShuttingDown() {}, onTerminated() {} };
  private readonly bootTimers = new Map<string, number>();

  constructor(private readonly ctx: RegionContext) {}

  launch(spec: LaunchSpec): SimInstance {
    const { clock, world, ids } = this.ctx;
    const address = allocateAddress(spec.subnet, this.ctx.regionName);
    const instanceId = ids.instanceId();
    const join = spec.initial ? undefined : this.ctx.kubeletJoin?.(spec);
    const instance: SimInstance = {
      instanceId,
      reservationId: ids.resourceId("r"),
      availabilityZone: spec.subnet.availabilityZone,
      subnetId: spec.subnet.subnetId,
      privateIp: address.ip,
      privateDnsName: address.dnsName,
      imageId: spec.image.imageId,
      instanceType: spec.instanceType,
      capacityType: spec.capacityType,
      launchTemplate: spec.launchTemplate,
      state: spec.initial ? "running" : "pending",
      launchTimeMs: clock.nowMs(),
      stateTransitionReason: "",
      tags: { ...spec.tags },
      groupName: spec.groupName,
      clusterName: spec.clusterName,
      nodeGroup: spec.nodeGroup,
      kubernetesMinor: spec.image.kubernetesMinor,
      labels: { ...spec.labels },
      ...(join && "cluster" in join && join.cluster !== spec.clusterName ? { joins: join.cluster } : {}),
      neverJoins:
        !spec.initial && (this.ctx.faults.takeNeverJoin(spec.nodeGroup) || (join ? "refusal" in join : false)),
      initial: spec.initial,
      announcedRunning: false,
    };
    const taints = spec.initial ? undefined : this.ctx.registerTaints?.(spec);
    if (taints && taints.length > 0) instance.registerTaints = taints;
    if (spec.launchTemplate) {
      instance.tags["aws:ec2launchtemplate:id"] = spec.launchTemplate.id;
      instance.tags["aws:ec2launchtemplate:version"] = String(spec.launchTemplate.version);
    }
    if (spec.groupName) instance.tags["aws:autoscaling:groupName"] = spec.groupName;
    world.instances.set(instanceId, instance);
    const counts = world.countsFor(spec.clusterName, spec.nodeGroup);
    counts.current++;
    counts.maxAlive = Math.max(counts.maxAlive, counts.current);
    if (spec.initial) {
      counts.initial++;
      this.announceRunning(instance);
    } else {
      this.ctx.events.instanceStateChanged(instanceId, "pending");
      const bootSeconds = this.ctx.timing.instanceBoot(instanceId, spec.nodeGroup);
      const timer = clock.after(bootSeconds, `ec2 boot ${instanceId}`, () => {
        this.bootTimers.delete(instanceId);
        this.markRunning(instance);
      });
      this.bootTimers.set(instanceId, timer);
    }
    return instance;
  }

  /**
   * Starts termination. Returns the state the instance was in before, or undefined when it was
   * already shutting down or terminated (EC2 answers those calls without changing anything).
   */
  terminate(instanceId: string, reason: string): SimInstance["state"] | undefined {
    const instance = this.ctx.world.instances.get(instanceId);
    if (!instance || instance.state === "shutting-down" || instance.state === "terminated") return undefined;
    const previous = instance.state;
    const { clock } = this.ctx;
    const bootTimer = this.bootTimers.get(instanceId);
    if (bootTimer !== undefined) {
      clock.cancel(bootTimer);
      this.bootTimers.delete(instanceId);
    }
    instance.state = "shutting-down";
    instance.stateTransitionReason = `${reason} (${isoSeconds(clock.nowMs()).replace("T", " ").replace("Z", " GMT")})`;
    this.ctx.world.countsFor(instance.clusterName, instance.nodeGroup).current--;
    this.ctx.events.instanceStateChanged(instanceId, "shutting-down");
    if (instance.announcedRunning) this.ctx.listener.instanceShuttingDown(instanceId);
    this.hooks.onShuttingDown(instance);
    clock.after(SHUTDOWN_SECONDS, `ec2 terminated ${instanceId}`, () => this.markTerminated(instance));
    return previous;
  }

  /** Whether DescribeInstances still lists the instance. */
  isVisible(instance: SimInstance): boolean {
    if (instance.state !== "terminated" || instance.terminatedAtMs === undefined) return true;
    return this.ctx.clock.nowMs() - instance.terminatedAtMs < TERMINATED_VISIBLE_SECONDS * 1000;
  }

  private markRunning(instance: SimInstance): void {
    instance.state = "running";
    this.ctx.events.instanceStateChanged(instance.instanceId, "running");
    this.announceRunning(instance);
    this.hooks.onRunning(instance);
  }

  private markTerminated(instance: SimInstance): void {
    instance.state = "terminated";
    instance.terminatedAtMs = this.ctx.clock.nowMs();
    // EC2 releases the network interface: a terminated instance reports no private DNS name.
    instance.privateDnsName = "";
    this.ctx.events.instanceStateChanged(instance.instanceId, "terminated");
    if (instance.announcedRunning) this.ctx.listener.instanceTerminated(instance.instanceId);
    this.hooks.onTerminated(instance);
  }

  private announceRunning(instance: SimInstance): void {
    instance.announcedRunning = true;
    this.ctx.listener.instanceRunning(toLaunchedInstance(instance));
  }
}

export function toLaunchedInstance(instance: SimInstance): LaunchedInstance {
  return {
    instanceId: instance.instanceId,
    availabilityZone: instance.availabilityZone,
    privateDnsName: instance.privateDnsName,
    privateIp: instance.privateIp,
    imageId: instance.imageId,
    instanceType: instance.instanceType,
    clusterName: instance.joins ?? instance.clusterName,
    nodeGroup: instance.nodeGroup,
    kubernetesMinor: instance.kubernetesMinor,
    capacityType: instance.capacityType,
    labels: { ...instance.labels },
    initial: instance.initial,
    neverJoins: instance.neverJoins,
    ...(instance.registerTaints ? { registerTaints: instance.registerTaints.map((t) => ({ ...t })) } : {}),
  };
}

/** The next private address of the subnet and EC2's DNS name for it. */
function allocateAddress(subnet: SimSubnet, regionName: string): { ip: string; dnsName: string } {
  const host = subnet.nextHost++;
  const third = subnet.baseOctet + Math.floor(host / 256);
  const fourth = host % 256;
  // The subnet's first two octets: clusters in another VPC's CIDR get addresses (and node names) of their own.
  const [first = "10", second = "0"] = subnet.cidrBlock.split(".");
  const ip = `${first}.${second}.${third}.${fourth}`;
  const domain = regionName === "us-east-1" ? "ec2.internal" : `${regionName}.compute.internal`;
  return { ip, dnsName: flat(`ip-${ip.replaceAll(".", "-")}.${domain}`) };
}
