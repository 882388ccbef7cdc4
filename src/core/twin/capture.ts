/**
 * Captures a running cluster as a sandbox scenario (its twin), read-only, through the same ports every
 * workflow uses: EKS (version, managed node groups, add-ons, insights) or tagged Auto Scaling groups
 * (self-managed groups and control plane), EC2 (instance types), Kubernetes (nodes, pods, budgets) and
 * Tugboat's own timing observations. Nothing is changed and nothing the catalog does not know is
 * refused: an add-on version or an instance type is carried into the scenario as the cluster runs it.
 */
import type { AutoScalingGroupState } from "../model/aws";
import type { KubeNode, KubePod } from "../model/kube";
import type { Deps } from "../ports";
import { findOutdated } from "../roll/outdated";
import { CLUSTER_TAG, NODEGROUP_TAG, readGroup } from "../roll/read-group";
import type { NodeGroupMode } from "../roll/snapshot-types";
import type { TwinNodeGroup, TwinObservation, TwinScenario } from "./scenario-shape";
import { workloadsFromPods } from "./workloads";

const ROLE_TAG = "tugboat:role";
/** Insights EKS derives from the cluster itself; the twin's simulated EKS recomputes them. */
const DERIVED_INSIGHTS = new Set([
  "Kubelet version skew",
  "Amazon EKS add-on version compatibility",
  "Cluster health issues",
]);
/** Node labels every node carries by its kubelet, cloud provider or EKS: not the group's own. */
const SYSTEM_LABEL = /(^|\.)(kubernetes\.io|k8s\.io|amazonaws\.com)\/|^tugboat\.io\/node-group$/;

export interface CaptureOptions {
  /** Hash namespaces and workload names (kube-system and default are kept). */
  anonymize?: boolean;
  /** Instance types the caller's catalog already knows; the others are asked of `instanceFacts`. */
  instanceFacts?: (instanceType: string) => { vcpus: number; memoryMiB: number; maxPods: number } | undefined;
  /** The region the cluster runs in (written into the scenario). */
  region: string;
}

export interface CaptureResult {
  scenario: TwinScenario;
  /** What the capture could not carry, in words (a PDB that selects no workload's pods, …). */
  notes: string[];
}

interface FoundGroup {
  name: string;
  mode: NodeGroupMode;
  asg: AutoScalingGroupState;
  maxUnavailable?: number;
  labels?: Record<string, string>;
}

async function findGroups(
  deps: Deps,
  cluster: string,
  eks: boolean,
): Promise<{ groups: FoundGroup[]; controlPlane?: AutoScalingGroupState }> {
  const groups: FoundGroup[] = [];
  const managedAsgs = new Set<string>();
  if (eks) {
    for (const name of await deps.eks.listNodegroups(cluster)) {
      const managed = await deps.eks.describeNodegroup(cluster, name);
      const asgName = managed?.autoScalingGroups[0];
      const asg = asgName ? await deps.autoScaling.describeGroup(asgName) : undefined;
      if (!managed || !asg) continue;
      managedAsgs.add(asg.name);
      const group: FoundGroup = { name, mode: "eks-managed", asg, labels: managed.labels };
      if (managed.updateConfig.maxUnavailable !== undefined) group.maxUnavailable = managed.updateConfig.maxUnavailable;
      groups.push(group);
    }
  }
  // Tugboat's tag when the cluster is connected; the cloud provider's ownership tag otherwise.
  let tagged = await deps.autoScaling.findGroupsByTags({ [CLUSTER_TAG]: cluster });
  if (tagged.length === 0)
    tagged = await deps.autoScaling.findGroupsByTags({ [`kubernetes.io/cluster/${cluster}`]: "owned" });
  let controlPlane: AutoScalingGroupState | undefined;
  for (const asg of [...tagged].sort((a, b) => a.name.localeCompare(b.name))) {
    if (managedAsgs.has(asg.name)) continue;
    if (asg.tags[ROLE_TAG] === "control-plane") {
      controlPlane = asg;
      continue;
    }
    const name =
      asg.tags[NODEGROUP_TAG] ?? (asg.name.startsWith(`${cluster}-`) ? asg.name.slice(cluster.length + 1) : asg.name);
    groups.push({ name, mode: "self-managed-asg", asg });
  }
  return controlPlane ? { groups, controlPlane } : { groups };
}

function zoneCounts(asg: AutoScalingGroupState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const zone of asg.availabilityZones) counts[zone] = 0;
  for (const instance of asg.instances) {
    if (/^Terminat/.test(instance.lifecycleState)) continue;
    counts[instance.availabilityZone] = (counts[instance.availabilityZone] ?? 0) + 1;
  }
  return counts;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Labels every node of the group carries that no kubelet, cloud provider or EKS sets. */
function groupLabels(nodes: KubeNode[]): Record<string, string> {
  const [first, ...rest] = nodes;
  if (!first) return {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(first.labels)) {
    if (SYSTEM_LABEL.test(key)) continue;
    if (rest.every((node) => node.labels[key] === value)) labels[key] = value;
  }
  return labels;
}

async function captureGroup(
  deps: Deps,
  cluster: string,
  clusterVersion: string,
  found: FoundGroup,
  nodes: KubeNode[],
  pods: KubePod[],
  instanceTypes: Map<string, string>,
): Promise<TwinNodeGroup> {
  const snapshot = await readGroup(deps, cluster, found.name, {
    resolved: { asgName: found.asg.name, mode: found.mode },
  });
  const live = snapshot.members.filter((member) => !/^Terminat/.test(member.lifecycleState));
  const outdated = findOutdated(snapshot.members, snapshot.target).length;
  const nodeNames = new Set(live.flatMap((member) => (member.nodeName ? [member.nodeName] : [])));
  const groupNodes = nodes.filter((node) => nodeNames.has(node.name));
  const daemonsOn = (node: string) =>
    pods.filter((pod) => pod.nodeName === node && pod.ownerKind === "DaemonSet" && !pod.deleting).length;
  const withPods = groupNodes.find((node) => node.allocatablePods !== undefined);
  const minor = mostCommon(live.flatMap((member) => (member.kubeletMinor ? [member.kubeletMinor] : [])));
  const group: TwinNodeGroup = {
    name: found.name,
    kind: found.mode,
    instanceType: mostCommon(live.flatMap((member) => instanceTypes.get(member.instanceId) ?? [])) ?? "m6i.large",
    podCapacity: withPods ? Math.max(1, (withPods.allocatablePods as number) - daemonsOn(withPods.name)) : 20,
    zones: zoneCounts(found.asg),
    outdated: outdated > 0 && outdated === live.length ? "all" : outdated,
    minSize: found.asg.minSize,
    maxSize: found.asg.maxSize,
    capacityType: groupNodes.some((node) => node.labels["eks.amazonaws.com/capacityType"] === "SPOT")
      ? "SPOT"
      : "ON_DEMAND",
    labels: found.labels ? { ...found.labels } : groupLabels(groupNodes),
  };
  if (minor && minor !== clusterVersion) group.kubernetesVersion = minor;
  if (found.maxUnavailable !== undefined) group.maxUnavailable = found.maxUnavailable;
  return group;
}

/** A short stable hash (FNV-1a), for anonymized names. */
function hashName(prefix: string, value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193) >>> 0;
  return `${prefix}-${hash.toString(16).padStart(8, "0")}`;
}

const KEPT_NAMESPACES = new Set(["kube-system", "default"]);

export async function captureTwin(deps: Deps, cluster: string, options: CaptureOptions): Promise<CaptureResult> {
  const notes: string[] = [];
  const kube = await deps.kube(cluster);
  const eksCluster = await deps.eks.describeCluster(cluster);
  const version = eksCluster?.version ?? (await kube.serverVersion()).minor;
  const [nodes, pods, pdbs, found] = await Promise.all([
    kube.listNodes(),
    kube.listPods(),
    kube.listPdbs(),
    findGroups(deps, cluster, eksCluster !== undefined),
  ]);
  const instanceIds = found.groups.flatMap((group) => group.asg.instances.map((instance) => instance.instanceId));
  const instances = instanceIds.length > 0 ? await deps.ec2.describeInstances(instanceIds) : [];
  const instanceTypes = new Map(instances.map((instance) => [instance.instanceId, instance.instanceType]));

  const nodeGroups: TwinNodeGroup[] = [];
  for (const group of found.groups) {
    nodeGroups.push(await captureGroup(deps, cluster, version, group, nodes, pods, instanceTypes));
  }
  const groupNames = new Set(nodeGroups.map((group) => group.name));
  const { workloads, unmatchedPdbs } = workloadsFromPods(pods, pdbs, (selector) =>
    Object.values(selector).find((value) => groupNames.has(value)),
  );
  for (const pdb of unmatchedPdbs)
    notes.push(`PodDisruptionBudget ${pdb} selects no workload's pods (or a second one's): not carried`);

  const scenario: TwinScenario = {
    name: `${cluster}-twin`,
    description: `Captured from cluster ${cluster}: ${nodes.length} nodes, ${pods.length} pods, ${workloads.length} workloads.`,
    seed: 1,
    region: options.region,
    cluster: {
      name: cluster,
      kind: eksCluster ? "eks" : "self-managed",
      version,
      nodeGroups,
      workloads,
      addons: {},
      insights: [],
      access:
        nodeGroups.length > 0 &&
        found.groups.every((group) => group.asg.tags[CLUSTER_TAG] === undefined) &&
        found.groups.some((g) => g.mode === "self-managed-asg")
          ? "none"
          : "connected",
    },
  };
  if (found.controlPlane) scenario.cluster.controlPlane = { zones: zoneCounts(found.controlPlane) };
  if (eksCluster) {
    for (const addon of await deps.eks.listAddons(cluster)) {
      scenario.cluster.addons[addon.name] =
        addon.configurationValues !== undefined
          ? { version: addon.version, configurationValues: addon.configurationValues }
          : addon.version;
    }
    for (const insight of await deps.eks.listInsights(cluster)) {
      if (DERIVED_INSIGHTS.has(insight.name)) continue;
      const status = ["PASSING", "WARNING", "ERROR"].includes(insight.status) ? insight.status : "UNKNOWN";
      scenario.cluster.insights.push({
        name: insight.name,
        status: status as TwinScenario["cluster"]["insights"][number]["status"],
        description: insight.description,
      });
    }
  }
  const unknownTypes: NonNullable<TwinScenario["cluster"]["instanceTypes"]> = {};
  for (const type of new Set(nodeGroups.map((group) => group.instanceType))) {
    if (options.instanceFacts?.(type) !== undefined) continue;
    // Carried, not refused: the vCPUs and memory the API server reports, the kubelet's max pods.
    const node = nodes.find((n) => n.labels["node.kubernetes.io/instance-type"] === type);
    notes.push(`instance type ${type} is not in the sandbox's catalog: carried with the figures its nodes report`);
    unknownTypes[type] = { vcpus: 2, memoryMiB: 8192, maxPods: node?.allocatablePods ?? 29 };
  }
  if (Object.keys(unknownTypes).length > 0) scenario.cluster.instanceTypes = unknownTypes;
  await addHistory(deps, cluster, nodeGroups, scenario);
  if (options.anonymize) anonymize(scenario);
  return { scenario, notes };
}

async function addHistory(deps: Deps, cluster: string, groups: TwinNodeGroup[], scenario: TwinScenario): Promise<void> {
  const pick = (list: { id: string; kind: string; seconds: number; runId: string; at: string }[]): TwinObservation[] =>
    list.map(({ id, kind, seconds, runId, at }) => ({ id, kind, seconds, runId, at }));
  const history: NonNullable<TwinScenario["history"]> = { nodeGroups: {}, cluster: [] };
  for (const group of groups) {
    const observed = await deps.state.listObservations({ cluster, nodeGroup: group.name });
    if (observed.length > 0) history.nodeGroups[group.name] = pick(observed);
  }
  history.cluster = pick(await deps.state.listObservations({ cluster }));
  if (history.cluster.length > 0 || Object.keys(history.nodeGroups).length > 0) scenario.history = history;
}

function anonymize(scenario: TwinScenario): void {
  for (const workload of scenario.cluster.workloads) {
    if (KEPT_NAMESPACES.has(workload.namespace) && workload.namespace === "kube-system") continue;
    if (!KEPT_NAMESPACES.has(workload.namespace)) workload.namespace = hashName("ns", workload.namespace);
    workload.name = hashName("app", workload.name);
  }
}
