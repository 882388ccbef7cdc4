/**
 * In-memory ports for the reaction core: a handful of instances, groups, nodes and pods, a store and a
 * clock, with every call that changes something recorded, so tests assert on what was done.
 */

import {
  mergeObservations,
  type Observation,
  type ObservationScope,
} from "../../../../src/core/estimates/observations";
import type { EventLedgerPort, EventReceipt, ReactionStarterPort } from "../../../../src/core/events/react/ports";
import type { ReactionRequest } from "../../../../src/core/events/react/request";
import type { AutoScalingGroupState, Ec2Instance } from "../../../../src/core/model/aws";
import type { EvictionResult, KubeNode, KubePod } from "../../../../src/core/model/kube";
import type { LockRecord, RunRecord } from "../../../../src/core/model/state";
import type { Deps, KubePort, StatePort } from "../../../../src/core/ports";

export function instance(id: string, fields: Partial<Ec2Instance> = {}): Ec2Instance {
  return {
    instanceId: id,
    imageId: "ami-0123456789abcdef0",
    instanceType: "m6i.large",
    availabilityZone: "us-east-1a",
    privateDnsName: `ip-${id.slice(2, 8)}.ec2.internal`,
    state: "running",
    launchTime: new Date("2026-01-01T00:00:00Z"),
    tags: {},
    ...fields,
  };
}

export function node(name: string, instanceId: string | undefined, fields: Partial<KubeNode> = {}): KubeNode {
  return {
    name,
    ...(instanceId
      ? { providerId: `aws:///us-east-1a/${instanceId}`, instanceId, availabilityZone: "us-east-1a" }
      : {}),
    ready: true,
    unschedulable: false,
    kubeletVersion: "v1.30.4-eks-a737599",
    labels: {},
    taints: [],
    createdAt: new Date("2026-01-01T00:00:00Z"),
    ...fields,
  };
}

export function pod(namespace: string, name: string, nodeName: string, fields: Partial<KubePod> = {}): KubePod {
  return {
    namespace,
    name,
    nodeName,
    phase: "Running",
    ready: true,
    labels: {},
    ownerKind: "ReplicaSet",
    mirror: false,
    deleting: false,
    terminationGracePeriodSeconds: 30,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    ...fields,
  };
}

export function group(name: string, fields: Partial<AutoScalingGroupState> = {}): AutoScalingGroupState {
  return {
    name,
    minSize: 0,
    maxSize: 3,
    desiredCapacity: 3,
    availabilityZones: ["us-east-1a"],
    suspendedProcesses: [],
    tags: {},
    instances: [],
    ...fields,
  };
}

export class MemoryState implements StatePort {
  locks = new Map<string, LockRecord>();
  runs = new Map<string, RunRecord>();
  items = new Map<string, unknown>();

  async getLock(cluster: string) {
    return this.locks.get(cluster);
  }
  async putLockIfAbsent(lock: LockRecord) {
    const holder = this.locks.get(lock.cluster);
    if (holder) return { ok: false as const, holder };
    this.locks.set(lock.cluster, lock);
    return { ok: true as const };
  }
  async replaceLock(expectedOwner: string, lock: LockRecord) {
    if (this.locks.get(lock.cluster)?.owner !== expectedOwner) return false;
    this.locks.set(lock.cluster, lock);
    return true;
  }
  async releaseLock(cluster: string, owner: string) {
    if (this.locks.get(cluster)?.owner !== owner) return false;
    this.locks.delete(cluster);
    return true;
  }
  async requestAbort() {
    return undefined;
  }
  async putRun(run: RunRecord) {
    this.runs.set(run.runId, structuredClone(run));
  }
  async getRun(runId: string) {
    const run = this.runs.get(runId);
    return run ? structuredClone(run) : undefined;
  }
  async listRuns(cluster: string) {
    return [...this.runs.values()].filter((r) => r.cluster === cluster);
  }
  async putItem(runId: string, key: string, value: unknown) {
    this.items.set(`${runId}/${key}`, structuredClone(value));
  }
  async getItem<T>(runId: string, key: string) {
    const value = this.items.get(`${runId}/${key}`);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }
  observations = new Map<string, Observation[]>();
  async listObservations(scope: ObservationScope) {
    return structuredClone(this.observations.get(`${scope.cluster}/${scope.nodeGroup ?? ""}`) ?? []);
  }
  async recordObservations(scope: ObservationScope, incoming: Observation[]) {
    const key = `${scope.cluster}/${scope.nodeGroup ?? ""}`;
    this.observations.set(key, mergeObservations(this.observations.get(key) ?? [], incoming));
  }
}

export interface FakeWorld {
  instances: Ec2Instance[];
  groups: AutoScalingGroupState[];
  nodes: Map<string, KubeNode[]>;
  pods: KubePod[];
  /** Eviction outcome per "namespace/name"; default: evicted (and the pod starts terminating). */
  evictions: Map<string, EvictionResult>;
  executions: Map<string, string>;
  /** Set to make kube(cluster) fail, as an unreachable API server would. */
  kubeDown?: Error;
  lifecycleActive: boolean;
  calls: string[];
  now: Date;
}

export function fakeWorld(fields: Partial<FakeWorld> = {}): FakeWorld {
  return {
    instances: [],
    groups: [],
    nodes: new Map(),
    pods: [],
    evictions: new Map(),
    executions: new Map(),
    lifecycleActive: true,
    calls: [],
    now: new Date("2026-01-01T00:00:00Z"),
    ...fields,
  };
}

export function fakeDeps(world: FakeWorld, state = new MemoryState()): Deps & { state: MemoryState; logs: string[] } {
  const logs: string[] = [];
  const record = (call: string) => world.calls.push(call);
  const kube = (cluster: string): KubePort => ({
    async listNodes() {
      record(`kube:listNodes ${cluster}`);
      return world.nodes.get(cluster) ?? [];
    },
    async serverVersion() {
      return { minor: "1.30", gitVersion: "v1.30.4" };
    },
    async listZonalVolumes() {
      return [];
    },
    async listPods(filter = {}) {
      return world.pods.filter((p) => !filter.nodeName || p.nodeName === filter.nodeName);
    },
    async listPdbs() {
      return [];
    },
    async setUnschedulable(name, unschedulable) {
      const found = (world.nodes.get(cluster) ?? []).find((n) => n.name === name);
      if (!found) return "not-found";
      if (found.unschedulable === unschedulable) return "unchanged";
      found.unschedulable = unschedulable;
      record(`kube:${unschedulable ? "cordon" : "uncordon"} ${name}`);
      return "changed";
    },
    async setTaint() {
      return "unchanged";
    },
    async evictPod(namespace, name) {
      record(`kube:evict ${namespace}/${name}`);
      const outcome = world.evictions.get(`${namespace}/${name}`) ?? { outcome: "evicted" };
      const found = world.pods.find((p) => p.namespace === namespace && p.name === name);
      if (outcome.outcome === "evicted" && found) found.deleting = true;
      return outcome;
    },
    async deletePod() {
      return "deleted";
    },
    async deleteNode(name) {
      record(`kube:deleteNode ${name}`);
      const list = world.nodes.get(cluster) ?? [];
      const index = list.findIndex((n) => n.name === name);
      if (index < 0) return "not-found";
      list.splice(index, 1);
      return "deleted";
    },
    async recordEvent() {},
  });
  return {
    ec2: {
      async describeInstances(ids) {
        record(`ec2:describeInstances ${ids.join(",")}`);
        return world.instances.filter((i) => ids.includes(i.instanceId));
      },
      async describeLaunchTemplateVersion() {
        throw new Error("not used");
      },
      async createLaunchTemplateVersion() {
        throw new Error("not used");
      },
      async describeSubnets() {
        throw new Error("not used");
      },
      async describeImage() {
        throw new Error("not used");
      },
    },
    autoScaling: {
      async launchInstances() {
        throw new Error("not used");
      },
      async describeGroup(name) {
        record(`autoscaling:describeGroup ${name}`);
        return world.groups.find((g) => g.name === name);
      },
      async findGroupsByTags() {
        return [];
      },
      async activeInstanceRefresh() {
        return undefined;
      },
      async updateSizes(name, sizes) {
        record(`autoscaling:updateSizes ${name} ${JSON.stringify(sizes)}`);
        const found = world.groups.find((g) => g.name === name);
        if (found) Object.assign(found, sizes);
      },
      async setLaunchTemplate() {
        throw new Error("not used");
      },
      async suspendProcesses() {},
      async resumeProcesses() {},
      async terminateInstance(id, decrement) {
        record(`autoscaling:terminate ${id} decrement=${decrement}`);
        return "terminating";
      },
      async completeLifecycleAction(action) {
        record(`autoscaling:complete ${action.instanceId} ${action.result}`);
        if (!world.lifecycleActive) return "not-found";
        world.lifecycleActive = false;
        return "completed";
      },
      async recordLifecycleActionHeartbeat(action) {
        record(`autoscaling:heartbeat ${action.instanceId}`);
        return world.lifecycleActive ? "recorded" : "not-found";
      },
    },
    eks: {
      describeCluster: async () => undefined,
      describeNodegroup: async () => undefined,
      updateNodegroupVersion: async () => {
        throw new Error("not used");
      },
      updateNodegroupConfig: async () => {
        throw new Error("not used");
      },
      describeUpdate: async () => {
        throw new Error("not used");
      },
      listNodegroups: async () => {
        throw new Error("not used");
      },
      describeClusterVersions: async () => {
        throw new Error("not used");
      },
      updateClusterVersion: async () => {
        throw new Error("not used");
      },
      listAddons: async () => {
        throw new Error("not used");
      },
      describeAddonVersions: async () => {
        throw new Error("not used");
      },
      updateAddon: async () => {
        throw new Error("not used");
      },
      startInsightsRefresh: async () => {
        throw new Error("not used");
      },
      describeInsightsRefresh: async () => {
        throw new Error("not used");
      },
      listInsights: async () => {
        throw new Error("not used");
      },
    },
    kube: async (cluster) => {
      if (world.kubeDown) throw world.kubeDown;
      return kube(cluster);
    },
    etcd: async () => {
      throw new Error("not used");
    },
    parameters: {
      recommendedEksAmi: async () => {
        throw new Error("not used");
      },
    },
    state,
    executions: { status: async (id) => world.executions.get(id) ?? "NOT_FOUND" },
    clock: { now: () => new Date(world.now) },
    log: {
      info: (m) => logs.push(`info ${m}`),
      warn: (m) => logs.push(`warn ${m}`),
      error: (m) => logs.push(`error ${m}`),
    },
    logs,
  };
}

export class MemoryLedger implements EventLedgerPort {
  receipts = new Map<string, EventReceipt>();

  async claim(eventId: string, now: Date, staleAfterSeconds: number) {
    const found = this.receipts.get(eventId);
    const stale =
      found?.status === "in-progress" && Date.parse(found.claimedAt) < now.getTime() - staleAfterSeconds * 1000;
    if (found && !stale) return { claimed: false as const, receipt: { ...found } };
    this.receipts.set(eventId, { eventId, status: "in-progress", claimedAt: now.toISOString() });
    return { claimed: true as const };
  }
  async finish(eventId: string, summary: string) {
    const found = this.receipts.get(eventId);
    if (found) this.receipts.set(eventId, { ...found, status: "done", summary });
  }
  async release(eventId: string) {
    if (this.receipts.get(eventId)?.status === "in-progress") this.receipts.delete(eventId);
  }
}

export class RecordingStarter implements ReactionStarterPort {
  started: { name: string; request: ReactionRequest }[] = [];
  failNext?: Error;

  async start(name: string, request: ReactionRequest) {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    const executionId = `arn:aws:states:us-east-1:123456789012:execution:react:${name}`;
    if (this.started.some((s) => s.name === name)) return { outcome: "already-started" as const, executionId };
    this.started.push({ name, request });
    return { outcome: "started" as const, executionId };
  }
}
