/**
 * Workloads from the scenario: Deployments (through one ReplicaSet), StatefulSets and DaemonSets,
 * their PodDisruptionBudgets, and the `pdb-blocked` fault that holds a workload's pods unready.
 */
import type { ScenarioWorkload } from "../scenario/schema";
import { templateHash, uid } from "./names";
import { compileLabelSelector } from "./selectors";
import type { ClusterState } from "./state";
import type { PdbRecord, WorkloadRecord } from "./types";

export function buildWorkload(state: ClusterState, spec: ScenarioWorkload): WorkloadRecord {
  const hash = templateHash(state.rng);
  const kindLabel = spec.kind.toLowerCase();
  // `app` is what charts select on; the kind label keeps a Deployment and a StatefulSet of the same
  // name from selecting each other's pods (which would give their pods two budgets, a 500 on eviction).
  const selector = { app: spec.name, "tugboat.io/kind": kindLabel };
  const workload: WorkloadRecord = {
    kind: spec.kind,
    namespace: spec.namespace,
    name: spec.name,
    uid: uid(state.rng),
    createdAtMs: state.now(),
    spec,
    replicas: spec.kind === "DaemonSet" ? 0 : (spec.replicas ?? 1),
    templateHash: hash,
    podLabels: { ...selector },
    selector,
    blocked: false,
  };
  if (spec.kind === "Deployment") {
    workload.replicaSetName = `${spec.name}-${hash}`;
    workload.replicaSetUid = uid(state.rng);
    workload.podLabels["pod-template-hash"] = hash;
  } else {
    workload.podLabels["controller-revision-hash"] = `${spec.name}-${hash}`;
    if (spec.kind === "DaemonSet") workload.podLabels["pod-template-generation"] = "1";
  }
  return workload;
}

export function buildPdb(state: ClusterState, workload: WorkloadRecord): PdbRecord | undefined {
  const pdb = workload.spec.pdb;
  if (!pdb) return undefined;
  return {
    namespace: workload.namespace,
    name: `${workload.name}-pdb`,
    uid: uid(state.rng),
    resourceVersion: state.nextResourceVersion(),
    createdAtMs: state.now(),
    matchLabels: { ...workload.selector },
    matchExpressions: [],
    selector: compileLabelSelector({ matchLabels: workload.selector }),
    minAvailable: pdb.minAvailable,
    maxUnavailable: pdb.maxUnavailable,
    matched: 0,
    healthy: 0,
    controllers: new Map(),
  };
}

export function findWorkloads(state: ClusterState, namespace: string, name: string): WorkloadRecord[] {
  return state.workloads.filter((workload) => workload.namespace === namespace && workload.name === name);
}

/**
 * Holds every pod of the workload unready (a failing readiness probe) until `clearAfterSeconds`
 * pass, or for ever. Its PDB then counts no healthy pods and refuses evictions. A later call
 * replaces the earlier window.
 */
export function blockWorkload(state: ClusterState, namespace: string, name: string, clearAfterSeconds?: number): void {
  const workloads = findWorkloads(state, namespace, name);
  if (workloads.length === 0) {
    const known = state.workloads.map((workload) => `${workload.namespace}/${workload.name}`).join(", ");
    throw new Error(`cannot block workload ${namespace}/${name}: no such workload (known: ${known || "none"})`);
  }
  for (const workload of workloads) {
    if (workload.blockTimer !== undefined) state.clock.cancel(workload.blockTimer);
    workload.blockTimer = undefined;
    setBlocked(state, workload, true);
    if (clearAfterSeconds !== undefined) {
      workload.blockTimer = state.clock.after(
        clearAfterSeconds,
        `kube: ${namespace}/${name} readiness restored`,
        () => {
          workload.blockTimer = undefined;
          setBlocked(state, workload, false);
        },
      );
    }
  }
}

function setBlocked(state: ClusterState, workload: WorkloadRecord, blocked: boolean): void {
  if (workload.blocked === blocked) return;
  state.beforeChange();
  workload.blocked = blocked;
  for (const pod of state.pods.ofWorkload(workload)) {
    state.touch(pod);
    state.refreshReady(pod);
  }
  state.dirtyWorkloads.add(workload);
  state.emitEvent({
    involved: { kind: workload.kind, name: workload.name, namespace: workload.namespace, uid: workload.uid },
    reason: blocked ? "Unhealthy" : "Healthy",
    type: blocked ? "Warning" : "Normal",
    message: blocked ? "Readiness probe failed on every pod" : "Readiness probe succeeding again",
    source: "kubelet",
  });
  state.requestReconcile();
}
