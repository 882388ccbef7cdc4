/** Translation of Kubernetes API objects into Tugboat's model (src/core/model/kube.ts). */
import type { V1Node, V1PersistentVolume, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { KubeNode, KubePdb, KubePod, KubeZonalVolume, PodOwnerKind } from "../../core/model/kube";

/** The kubelet's default when a pod does not say (core/v1 PodSpec). */
const DEFAULT_GRACE_PERIOD_SECONDS = 30;
export const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

const KNOWN_OWNER_KINDS: readonly PodOwnerKind[] = ["ReplicaSet", "StatefulSet", "DaemonSet", "Job", "Node"];

/**
 * "aws:///us-east-1a/i-0123…" → zone and instance. The cloud provider writes this form; some tools
 * leave the zone out ("aws:///i-0123…"), so both are read.
 */
export function parseAwsProviderId(providerId: string | undefined): { instanceId?: string; availabilityZone?: string } {
  if (!providerId?.startsWith("aws://")) return {};
  const parts = providerId.slice("aws://".length).split("/").filter(Boolean);
  const instanceId = parts.at(-1);
  if (!instanceId?.startsWith("i-")) return {};
  const availabilityZone = parts.length >= 2 ? parts.at(-2) : undefined;
  return availabilityZone ? { instanceId, availabilityZone } : { instanceId };
}

/** The client deserialises timestamps into Date; a stub or older client may hand strings. */
function toDate(value: Date | string | undefined): Date {
  return value === undefined ? new Date(0) : new Date(value);
}

/** When a True condition last turned True (its lastTransitionTime), if the API says. */
function trueSince(
  conditions: { type: string; status: string; lastTransitionTime?: Date | string | null }[] | undefined,
  type: string,
): Date | undefined {
  const found = conditions?.find((c) => c.type === type && c.status === "True");
  if (!found?.lastTransitionTime) return undefined;
  const at = new Date(found.lastTransitionTime);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function conditionTrue(conditions: { type: string; status: string }[] | undefined, type: string): boolean {
  return conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

export function toKubeNode(node: V1Node): KubeNode {
  const providerId = node.spec?.providerID;
  const out: KubeNode = {
    name: node.metadata?.name ?? "",
    ready: conditionTrue(node.status?.conditions, "Ready"),
    unschedulable: node.spec?.unschedulable === true,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? "",
    labels: { ...(node.metadata?.labels ?? {}) },
    taints: (node.spec?.taints ?? []).map((t) =>
      t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect },
    ),
    createdAt: toDate(node.metadata?.creationTimestamp),
  };
  if (providerId) {
    out.providerId = providerId;
    Object.assign(out, parseAwsProviderId(providerId));
  }
  const readySince = trueSince(node.status?.conditions, "Ready");
  if (readySince) out.readySince = readySince;
  const pods = Number(node.status?.allocatable?.pods);
  if (Number.isInteger(pods)) out.allocatablePods = pods;
  const internalDns = node.status?.addresses?.find((a) => a.type === "InternalDNS")?.address;
  if (internalDns) out.internalDnsName = internalDns;
  return out;
}

function ownerOf(pod: V1Pod): { kind: PodOwnerKind; name?: string } {
  const refs = pod.metadata?.ownerReferences ?? [];
  // The controller reference is the one that recreates the pod; fall back to the first reference.
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  if (!ref) return { kind: "None" };
  const kind = (KNOWN_OWNER_KINDS as readonly string[]).includes(ref.kind) ? (ref.kind as PodOwnerKind) : "Other";
  return { kind, name: ref.name };
}

export function toKubePod(pod: V1Pod): KubePod {
  const owner = ownerOf(pod);
  const out: KubePod = {
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready: conditionTrue(pod.status?.conditions, "Ready"),
    labels: { ...(pod.metadata?.labels ?? {}) },
    ownerKind: owner.kind,
    mirror: pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined,
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null,
    terminationGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS,
    createdAt: toDate(pod.metadata?.creationTimestamp),
  };
  if (owner.name !== undefined) out.ownerName = owner.name;
  const readySince = trueSince(pod.status?.conditions, "Ready");
  if (readySince) out.readySince = readySince;
  if (pod.spec?.nodeName) out.nodeName = pod.spec.nodeName;
  if (pod.spec?.priorityClassName) out.priorityClassName = pod.spec.priorityClassName;
  const claims = (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
  );
  if (claims.length > 0) out.claims = claims;
  const requests = pod.spec?.containers?.[0]?.resources?.requests;
  // One container per pod is what the twin reproduces: the first one's requests stand for the pod.
  if (requests && (requests.cpu !== undefined || requests.memory !== undefined)) {
    out.requests = {
      ...(requests.cpu !== undefined ? { cpu: String(requests.cpu) } : {}),
      ...(requests.memory !== undefined ? { memory: String(requests.memory) } : {}),
    };
  }
  if (pod.spec?.nodeSelector && Object.keys(pod.spec.nodeSelector).length > 0)
    out.nodeSelector = { ...pod.spec.nodeSelector };
  return out;
}

/** Zone keys a PV's node affinity may pin it with: the well-known label, and the EBS CSI driver's own. */
const ZONE_KEYS = new Set(["topology.kubernetes.io/zone", "topology.ebs.csi.aws.com/zone"]);

/** A PV pinned to exactly one zone, or undefined (not zonal, or several zones allowed). */
export function toKubeZonalVolume(volume: V1PersistentVolume): KubeZonalVolume | undefined {
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const zones = new Set<string>();
  for (const term of terms) {
    for (const expression of term.matchExpressions ?? []) {
      if (ZONE_KEYS.has(expression.key) && expression.operator === "In") {
        for (const value of expression.values ?? []) zones.add(value);
      }
    }
  }
  const [zone] = [...zones];
  if (zones.size !== 1 || zone === undefined) return undefined;
  const ref = volume.spec?.claimRef;
  const out: KubeZonalVolume = { name: volume.metadata?.name ?? "", zone };
  if (ref?.name) out.claim = `${ref.namespace ?? "default"}/${ref.name}`;
  return out;
}

export function toKubePdb(pdb: V1PodDisruptionBudget): KubePdb {
  const out: KubePdb = {
    namespace: pdb.metadata?.namespace ?? "default",
    name: pdb.metadata?.name ?? "",
    matchLabels: { ...(pdb.spec?.selector?.matchLabels ?? {}) },
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    expectedPods: pdb.status?.expectedPods ?? 0,
    disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
  };
  if (pdb.spec?.minAvailable !== undefined) out.minAvailable = pdb.spec.minAvailable;
  if (pdb.spec?.maxUnavailable !== undefined) out.maxUnavailable = pdb.spec.maxUnavailable;
  return out;
}
