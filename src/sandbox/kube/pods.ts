/**
 * A pod's life: created Pending by a controller, bound by the scheduler, Running once its volume is
 * attached, Ready after its start time; on deletion it gets a deletionTimestamp and exits after
 * min(shutdownSeconds, grace) — the kubelet then confirms the deletion and the object is gone.
 */
import { attachBudgets, budgetsAtRisk, countBudgetBreaches, detachBudgets } from "./disruption";
import { uid } from "./names";
import { isDaemonPod, isTerminating } from "./predicates";
import type { ClusterState } from "./state";
import type { NodeRecord, PodRecord, WorkloadRecord } from "./types";

export interface PodIdentity {
  name: string;
  ordinal?: number;
  slot?: number;
  claimKey?: string;
}

export type RemovalCause = "exited" | "force-deleted" | "node-lost";

export function createPod(state: ClusterState, workload: WorkloadRecord, identity: PodIdentity): PodRecord {
  state.beforeChange();
  const labels = { ...workload.podLabels };
  if (identity.ordinal !== undefined) {
    labels["statefulset.kubernetes.io/pod-name"] = identity.name;
    labels["apps.kubernetes.io/pod-index"] = String(identity.ordinal);
  }
  const pod: PodRecord = {
    uid: uid(state.rng),
    namespace: workload.namespace,
    name: identity.name,
    resourceVersion: state.nextResourceVersion(),
    seq: state.nextSequence(),
    workload,
    labels,
    createdAtMs: state.now(),
    ordinal: identity.ordinal,
    slot: identity.slot,
    claimKey: identity.claimKey,
    phase: "Pending",
    containersReady: false,
    waitingForVolume: false,
    timers: [],
    schedulingAttempted: false,
    readyCounted: false,
    pdbs: [],
    gone: false,
  };
  state.pods.add(pod);
  attachBudgets(state, pod);
  state.emitEvent({
    involved: {
      kind: ownerKind(workload),
      name: ownerName(workload),
      namespace: workload.namespace,
      uid: ownerUid(workload),
    },
    reason: "SuccessfulCreate",
    message:
      workload.kind === "StatefulSet"
        ? `create Pod ${pod.name} in StatefulSet ${workload.name} successful`
        : `Created pod: ${pod.name}`,
    source: controllerName(workload),
  });
  state.requestReconcile();
  return pod;
}

export function ownerKind(workload: WorkloadRecord): string {
  return workload.kind === "Deployment" ? "ReplicaSet" : workload.kind;
}

export function ownerName(workload: WorkloadRecord): string {
  return workload.kind === "Deployment" ? (workload.replicaSetName as string) : workload.name;
}

export function ownerUid(workload: WorkloadRecord): string {
  return workload.kind === "Deployment" ? (workload.replicaSetUid as string) : workload.uid;
}

function controllerName(workload: WorkloadRecord): string {
  if (workload.kind === "Deployment") return "replicaset-controller";
  if (workload.kind === "StatefulSet") return "statefulset-controller";
  return "daemonset-controller";
}

/**
 * Binds a pod to a node. `seed` places it as it stands at t0 (Running and Ready, volume attached);
 * otherwise its containers start after any volume attach and become Ready after the start time.
 */
export function bindPod(state: ClusterState, pod: PodRecord, node: NodeRecord, mode: "seed" | "live"): void {
  state.beforeChange();
  pod.nodeName = node.name;
  pod.zone = node.instance.availabilityZone;
  pod.boundAtMs = state.now();
  pod.podIp = podIpOn(state, node);
  state.pods.bind(pod, node);
  state.touch(pod);
  const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
  if (claim && claim.zone === undefined) {
    // WaitForFirstConsumer: the volume is provisioned in the zone of the first node its pod lands on.
    claim.zone = node.instance.availabilityZone;
    claim.provisionedAtMs = state.now();
  }
  state.emitEvent({
    involved: { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid },
    reason: "Scheduled",
    message: `Successfully assigned ${pod.namespace}/${pod.name} to ${node.name}`,
    source: "default-scheduler",
  });
  if (mode === "seed") {
    pod.phase = "Running";
    pod.startedAtMs = state.now();
    pod.containersReady = true;
    pod.containersReadyAtMs = state.now();
    if (claim) claim.attachedNode = node.name;
    state.refreshReady(pod);
    return;
  }
  startContainers(state, pod);
}

function podIpOn(state: ClusterState, node: NodeRecord): string {
  const octets = node.instance.privateIp.split(".");
  const host = (state.nextSequence() % 250) + 4;
  return octets.length === 4 ? `${octets[0]}.${octets[1]}.${octets[2]}.${host}` : `10.0.0.${host}`;
}

/** Another live pod on another node still holds the pod's ReadWriteOnce volume. */
function volumeHeldElsewhere(state: ClusterState, pod: PodRecord): PodRecord | undefined {
  if (!pod.claimKey) return undefined;
  for (const other of state.pods.ofWorkload(pod.workload)) {
    if (other !== pod && other.claimKey === pod.claimKey && other.nodeName && other.nodeName !== pod.nodeName) {
      return other;
    }
  }
  return undefined;
}

/** Starts a bound pod's containers: attach its volume if needed, then run, then turn Ready. */
export function startContainers(state: ClusterState, pod: PodRecord): void {
  const nodeName = pod.nodeName as string;
  const holder = volumeHeldElsewhere(state, pod);
  if (holder) {
    if (!pod.waitingForVolume) {
      state.emitEvent({
        involved: { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid },
        reason: "FailedAttachVolume",
        type: "Warning",
        message: `Multi-Attach error for volume "${pod.claimKey?.split("\u0000")[1]}" Volume is already used by pod(s) ${holder.name}`,
        source: "attachdetach-controller",
      });
    }
    pod.waitingForVolume = true;
    state.pods.waitingForVolume.add(pod);
    return;
  }
  pod.waitingForVolume = false;
  state.pods.waitingForVolume.delete(pod);
  const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
  const attachSeconds = claim && claim.attachedNode !== nodeName ? state.timing.volumeAttach(pod, nodeName) : 0;
  const startSeconds = state.timing.podStart(pod, nodeName);
  pod.timers.push(
    state.clock.after(attachSeconds, `kube: ${pod.name} containers started`, () => {
      if (pod.gone || isTerminating(pod)) return;
      state.beforeChange();
      if (claim) claim.attachedNode = nodeName;
      pod.phase = "Running";
      pod.startedAtMs = state.now();
      state.touch(pod);
      // Every pod update wakes its StatefulSet controller, which then waits for Running and Ready.
      if (pod.workload.kind === "StatefulSet") {
        state.dirtyWorkloads.add(pod.workload);
        state.requestReconcile();
      }
      pod.timers.push(
        state.clock.after(startSeconds, `kube: ${pod.name} ready`, () => {
          if (pod.gone || isTerminating(pod)) return;
          state.beforeChange();
          pod.containersReady = true;
          pod.containersReadyAtMs = state.now();
          state.touch(pod);
          state.refreshReady(pod);
        }),
      );
    }),
  );
}

export interface DeletionRequest {
  /** DeleteOptions.gracePeriodSeconds; the pod's terminationGracePeriodSeconds when omitted. */
  gracePeriodSeconds?: number;
  /** A granted eviction is the one disruption that cannot break a budget; anything else is checked. */
  viaEviction: boolean;
}

/** Graceful deletion, with the API server's rules (podStrategy.CheckGracefulDelete). */
export function deletePod(state: ClusterState, pod: PodRecord, request: DeletionRequest): void {
  let grace = request.gracePeriodSeconds ?? pod.workload.spec.terminationGracePeriodSeconds;
  // An unscheduled pod has no kubelet to wait for: it is deleted at once.
  if (!pod.nodeName) grace = 0;
  if (grace < 0) grace = 1;
  const risk = request.viaEviction ? [] : budgetsAtRisk(pod);
  if (grace === 0) {
    removePod(state, pod, "force-deleted");
    countBudgetBreaches(state, risk);
    return;
  }
  const shutdown = state.timing.podShutdown(pod, grace, pod.nodeName);
  const exitAtMs = state.now() + shutdown * 1000;
  if (isTerminating(pod)) {
    // A second delete may only shorten the grace period.
    if (exitAtMs < (pod.exitAtMs as number)) {
      state.beforeChange();
      pod.deletionTimestampMs = Math.min(pod.deletionTimestampMs as number, state.now() + grace * 1000);
      pod.deletionGraceSeconds = grace;
      scheduleExit(state, pod, exitAtMs);
      state.touch(pod);
    }
    return;
  }
  state.beforeChange();
  pod.deletionTimestampMs = state.now() + grace * 1000;
  pod.deletionGraceSeconds = grace;
  state.pods.beginTerminating(pod);
  scheduleExit(state, pod, exitAtMs);
  state.touch(pod);
  state.refreshReady(pod);
  state.emitEvent({
    involved: { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid },
    reason: "Killing",
    message: `Stopping container ${pod.workload.name}`,
    source: "kubelet",
    host: pod.nodeName,
  });
  countBudgetBreaches(state, risk);
  // The ReplicaSet controller counts only active pods: it replaces this one now.
  state.dirtyWorkloads.add(pod.workload);
  state.requestReconcile();
}

function scheduleExit(state: ClusterState, pod: PodRecord, exitAtMs: number): void {
  if (pod.exitTimer !== undefined) state.clock.cancel(pod.exitTimer);
  pod.exitAtMs = exitAtMs;
  pod.exitTimer = state.clock.at(exitAtMs, `kube: ${pod.name} exited`, () => {
    if (!pod.gone) removePod(state, pod, "exited");
  });
}

/** The pod object disappears (kubelet confirmed its exit, a forced delete, or its node died). */
export function removePod(state: ClusterState, pod: PodRecord, cause: RemovalCause): void {
  if (pod.gone) return;
  state.beforeChange();
  const terminating = isTerminating(pod);
  // A DaemonSet pod lives and dies with its node by design; only workload pods count as lost.
  if (cause === "node-lost" && !terminating && !isDaemonPod(pod)) state.counters.podsLost += 1;
  pod.gone = true;
  for (const timer of pod.timers) state.clock.cancel(timer);
  if (pod.exitTimer !== undefined) state.clock.cancel(pod.exitTimer);
  pod.timers = [];
  const node = pod.nodeName !== undefined ? state.nodes.get(pod.nodeName) : undefined;
  state.pods.remove(pod, node, terminating);
  detachBudgets(pod);
  state.nextResourceVersion();
  // The freed slot may fit a pod that found no room before; a daemon is missing from its node.
  if (node && !isDaemonPod(pod)) state.touchedNodes.add(node.name);
  if (node && isDaemonPod(pod)) state.daemonSetNodes.add(node.name);
  state.dirtyWorkloads.add(pod.workload);
  state.requestReconcile();
}
