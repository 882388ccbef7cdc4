/**
 * The cluster as it stands at t0: every scenario workload created, its pods placed on the initial
 * nodes by the scheduler's own rules, Running and Ready, zonal volumes provisioned and attached where
 * their pods run, and the scenario's `pdb-blocked` faults applied.
 */
import { createReplicaSetPod, createStatefulSetPod, syncDaemonSet } from "./controllers";
import { schedulePending } from "./scheduler";
import type { ClusterState } from "./state";
import type { PodRecord } from "./types";
import { blockWorkload, buildPdb, buildWorkload } from "./workloads";

export function seedWorkloads(state: ClusterState): void {
  if (state.workloads.length > 0) {
    throw new Error(`cluster ${state.scenario.cluster.name}: workloads were already seeded`);
  }
  state.seeding = true;
  try {
    layOut(state);
  } finally {
    state.seeding = false;
  }
  for (const fault of state.scenario.faults) {
    if (fault.kind === "pdb-blocked") blockWorkload(state, fault.namespace, fault.workload, fault.clearAfterSeconds);
  }
}

function layOut(state: ClusterState): void {
  for (const spec of state.scenario.cluster.workloads) {
    const workload = buildWorkload(state, spec);
    state.workloads.push(workload);
    const pdb = buildPdb(state, workload);
    if (pdb) state.pdbs.set(`${pdb.namespace}/${pdb.name}`, pdb);
  }
  for (const workload of state.workloads) {
    if (workload.kind === "DaemonSet") {
      syncDaemonSet(state, workload, "seed");
    } else if (workload.kind === "Deployment") {
      const slots = new Set<number>();
      for (let i = 0; i < workload.replicas; i++) createReplicaSetPod(state, workload, slots);
    } else {
      for (let ordinal = 0; ordinal < workload.replicas; ordinal++) createStatefulSetPod(state, workload, ordinal);
    }
  }
  provisionPinnedVolumes(state);
  schedulePending(state, "seed");
  // Everything is in place: the controllers have nothing to correct at t0.
  state.dirtyWorkloads.clear();
  state.daemonSetNodes.clear();
}

/**
 * `zonalVolumes` given as AZ → replicas: those replicas' volumes were provisioned in that zone before t0
 * (ordinals, or ReplicaSet slots, in order), so their pods can only run there; a zone without a node
 * leaves them Pending with a volume node affinity conflict, as after a scale-in that emptied the zone.
 */
function provisionPinnedVolumes(state: ClusterState): void {
  for (const workload of state.workloads) {
    const pinned = workload.spec.zonalVolumes;
    if (typeof pinned !== "object") continue;
    const pods = [...state.pods.ofWorkload(workload)].sort((a, b) => replicaIndex(a) - replicaIndex(b));
    const zones = Object.entries(pinned).flatMap(([zone, count]) => Array.from({ length: count }, () => zone));
    pods.forEach((pod, i) => {
      const zone = zones[i];
      const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
      if (!zone || !claim) return;
      claim.zone = zone;
      claim.provisionedAtMs = state.now();
    });
  }
}

function replicaIndex(pod: PodRecord): number {
  return pod.ordinal ?? pod.slot ?? 0;
}
