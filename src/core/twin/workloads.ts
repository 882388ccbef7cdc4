/**
 * Workloads as the twin needs them, read back from what the API shows of their pods: the controller
 * behind each pod (a Deployment through its ReplicaSet, a StatefulSet, a DaemonSet), replicas counted
 * from the pods that are not terminating, requests, grace period, priority class, node selector,
 * volume claims, and the PodDisruptionBudget that selects them. Static (mirror) pods and pods owned
 * by nothing are the node's or the operator's, not a workload the twin recreates.
 */
import type { KubePdb, KubePod } from "../model/kube";
import type { TwinWorkload } from "./scenario-shape";

interface Collected {
  kind: TwinWorkload["kind"];
  namespace: string;
  name: string;
  pods: KubePod[];
}

/** A ReplicaSet created by a Deployment is named `<deployment>-<pod-template-hash>`. */
function deploymentOf(replicaSet: string): string {
  const cut = replicaSet.lastIndexOf("-");
  return cut > 0 ? replicaSet.slice(0, cut) : replicaSet;
}

function controllerOf(pod: KubePod): { kind: TwinWorkload["kind"]; name: string } | undefined {
  if (pod.mirror || !pod.ownerName) return undefined;
  if (pod.ownerKind === "ReplicaSet") return { kind: "Deployment", name: deploymentOf(pod.ownerName) };
  if (pod.ownerKind === "StatefulSet") return { kind: "StatefulSet", name: pod.ownerName };
  if (pod.ownerKind === "DaemonSet") return { kind: "DaemonSet", name: pod.ownerName };
  return undefined;
}

function selects(matchLabels: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(matchLabels);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The value most pods agree on (ties: the first seen). */
function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<string, { value: T; count: number }>();
  for (const value of values) {
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { value, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  let best: { value: T; count: number } | undefined;
  for (const entry of counts.values()) if (!best || entry.count > best.count) best = entry;
  return best?.value;
}

/**
 * `nodeGroupOf` maps a pod's node selector to the name of a captured node group (undefined when it
 * pins to none). Workloads come in the order their first pod was created, then by namespace and name.
 */
export function workloadsFromPods(
  pods: KubePod[],
  pdbs: KubePdb[],
  nodeGroupOf: (nodeSelector: Record<string, string>) => string | undefined,
): { workloads: TwinWorkload[]; unmatchedPdbs: string[] } {
  const byKey = new Map<string, Collected>();
  for (const pod of pods) {
    const controller = controllerOf(pod);
    if (!controller) continue;
    const key = `${controller.kind}/${pod.namespace}/${controller.name}`;
    const entry = byKey.get(key) ?? { ...controller, namespace: pod.namespace, pods: [] };
    entry.pods.push(pod);
    byKey.set(key, entry);
  }
  const first = (entry: Collected) => Math.min(...entry.pods.map((pod) => pod.createdAt.getTime()));
  const collected = [...byKey.values()].sort(
    (a, b) =>
      first(a) - first(b) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name) ||
      a.kind.localeCompare(b.kind),
  );
  const unmatchedPdbs: string[] = [];
  const pdbFor = new Map<Collected, KubePdb>();
  for (const pdb of pdbs) {
    const target = collected.find(
      (entry) => entry.namespace === pdb.namespace && entry.pods.some((pod) => selects(pdb.matchLabels, pod.labels)),
    );
    if (target && !pdbFor.has(target)) pdbFor.set(target, pdb);
    else unmatchedPdbs.push(`${pdb.namespace}/${pdb.name}`);
  }
  const workloads = collected.map((entry): TwinWorkload => {
    const active = entry.pods.filter((pod) => !pod.deleting);
    const sample = active[0] ?? (entry.pods[0] as KubePod);
    const workload: TwinWorkload = {
      kind: entry.kind,
      namespace: entry.namespace,
      name: entry.name,
      terminationGracePeriodSeconds: sample.terminationGracePeriodSeconds,
      zonalVolumes: entry.kind !== "DaemonSet" && entry.pods.some((pod) => (pod.claims?.length ?? 0) > 0),
    };
    if (entry.kind !== "DaemonSet") workload.replicas = active.length;
    const pdb = pdbFor.get(entry);
    if (pdb?.minAvailable !== undefined) workload.pdb = { minAvailable: pdb.minAvailable };
    else if (pdb?.maxUnavailable !== undefined) workload.pdb = { maxUnavailable: pdb.maxUnavailable };
    const priority = mostCommon(entry.pods.map((pod) => pod.priorityClassName));
    if (priority) workload.priorityClassName = priority;
    const selector = mostCommon(entry.pods.map((pod) => pod.nodeSelector ?? {}));
    const group = selector ? nodeGroupOf(selector) : undefined;
    if (group) workload.nodeGroup = group;
    const requests = mostCommon(entry.pods.map((pod) => pod.requests));
    if (requests?.cpu !== undefined && requests.memory !== undefined) {
      workload.requests = { cpu: requests.cpu, memory: requests.memory };
    }
    return workload;
  });
  return { workloads, unmatchedPdbs };
}
