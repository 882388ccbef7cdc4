/**
 * Everything the simulated region holds, in one place, plus the context the engines share. Records
 * live here; behaviour lives in the engines (fleet.ts, asg-engine.ts, eks-nodegroup-update.ts) and
 * the API handlers.
 */
import type { SeededRandom, VirtualClock } from "../clock";
import type { ClusterControl, InstanceLifecycleListener, LaunchedInstance } from "../links";
import type { Scenario } from "../scenario/schema";
import type { TimingModel } from "../timing/model";
import type { AmiCatalog } from "./catalog";
import type { RegionEventBus } from "./events";
import type { FaultInjector } from "./faults";
import type { IdFactory } from "./ids";
import type {
  ScalingActivity,
  SimAddon,
  SimCluster,
  SimEksUpdate,
  SimGroup,
  SimInsight,
  SimInsightsRefresh,
  SimInstance,
  SimLaunchTemplate,
  SimNodegroup,
  SimSubnet,
} from "./model";

/** The sandbox's AWS account, as STS GetCallerIdentity reports it. */
export const SANDBOX_ACCOUNT_ID = "123456789012";

export interface GroupCounts {
  initial: number;
  current: number;
  maxAlive: number;
}

export class RegionWorld {
  readonly instances = new Map<string, SimInstance>();
  readonly groups = new Map<string, SimGroup>();
  /** instance id → group name, while the instance is a member. */
  readonly groupOfInstance = new Map<string, string>();
  readonly launchTemplates = new Map<string, SimLaunchTemplate>();
  readonly subnets = new Map<string, SimSubnet>();
  readonly activities: ScalingActivity[] = [];
  /** The same activities by id (runs of thousands of launches look them up constantly). */
  readonly activityById = new Map<string, ScalingActivity>();
  readonly clusters = new Map<string, SimCluster>();
  /** Keyed by `${cluster}/${nodegroup}`. */
  readonly nodegroups = new Map<string, SimNodegroup>();
  readonly updates = new Map<string, SimEksUpdate>();
  /** Keyed by `${cluster}/${addon}`. */
  readonly addons = new Map<string, SimAddon>();
  /** Per cluster: the upgrade insights of the last completed refresh, in listing order. */
  readonly insights = new Map<string, SimInsight[]>();
  readonly insightsRefreshes = new Map<string, SimInsightsRefresh>();
  /** Per cluster and node group (`${cluster}/${nodeGroup}`): EC2 instances pending or running. */
  readonly counts = new Map<string, GroupCounts>();
  vpcId = "";

  groupFor(instanceId: string): SimGroup | undefined {
    const name = this.groupOfInstance.get(instanceId);
    return name === undefined ? undefined : this.groups.get(name);
  }

  launchTemplateByName(name: string): SimLaunchTemplate | undefined {
    for (const template of this.launchTemplates.values()) if (template.name === name) return template;
    return undefined;
  }

  nodegroup(cluster: string, name: string): SimNodegroup | undefined {
    return this.nodegroups.get(`${cluster}/${name}`);
  }

  addon(cluster: string, name: string): SimAddon | undefined {
    return this.addons.get(`${cluster}/${name}`);
  }

  addonsOf(cluster: string): SimAddon[] {
    return [...this.addons.values()].filter((addon) => addon.clusterName === cluster);
  }

  /** Two clusters may both have a group of the name: counts are kept per cluster and node group. */
  countsFor(cluster: string, nodeGroup: string): GroupCounts {
    const key = `${cluster}/${nodeGroup}`;
    let counts = this.counts.get(key);
    if (!counts) {
      counts = { initial: 0, current: 0, maxAlive: 0 };
      this.counts.set(key, counts);
    }
    return counts;
  }
}

/**
 * The simulated API server's GET /version, which follows an EKS control-plane update. Optional: a
 * cluster side without an API server (unit-test fakes) has nothing to move.
 */
export interface ApiServerVersion {
  setServerVersion(minorVersion: string): void;
}

/** Per-concern random streams (see ids.ts for why they are separate). */
export interface RegionRandom {
  /** Ties in the Default termination policy ("terminate one of these at random"). */
  scaleIn: SeededRandom;
  /** EKS picks the nodes to upgrade at random. */
  eksUpdate: SeededRandom;
}

export interface RegionContext {
  scenario: Scenario;
  regionName: string;
  clock: VirtualClock;
  /** Resource ids: instances, templates, subnets, images. */
  ids: IdFactory;
  /** Activity ids, lifecycle tokens, update ids, event ids. */
  tokens: IdFactory;
  random: RegionRandom;
  listener: InstanceLifecycleListener;
  /**
   * The Kubernetes side of a cluster (its simulated API server's store): what EKS's own node group
   * updates drain through and what a control-plane update moves. Every cluster has its own; a name
   * no API server serves gets one without nodes.
   */
  clusterControl: (clusterName: string) => ClusterControl & Partial<ApiServerVersion>;
  world: RegionWorld;
  catalog: AmiCatalog;
  faults: FaultInjector;
  events: RegionEventBus;
  /** Sampled durations (boots, EKS updates), recorded for the figures that judge a run. */
  timing: TimingModel;
  /** Taints a launched instance's kubelet registers with (self-managed-kubeadm.ts: --cloud-provider=external). */
  registerTaints?: (attempt: {
    groupName?: string;
    launchTemplate?: { id: string; version: number };
  }) => LaunchedInstance["registerTaints"];
  /**
   * Which cluster a launched instance's kubelet registers with (the API server its bootstrap names),
   * or why it cannot (node-join.ts).
   */
  kubeletJoin?: (attempt: {
    clusterName: string;
    nodeGroup: string;
    groupName?: string;
    launchTemplate?: { id: string; version: number };
  }) => { cluster: string } | { refusal: string };
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
