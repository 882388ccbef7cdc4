/**
 * PersistentVolumeClaims and their EBS-backed PersistentVolumes. Volumes are provisioned
 * WaitForFirstConsumer (the gp3 storage class EKS users run): a claim stays Pending until its first
 * pod is bound, and its volume then carries node affinity on that node's zone for ever. A pod that
 * mounts it can only run in that zone, which is why draining the last node of a zone strands it.
 */
import { ebsVolumeId, uid } from "./names";
import { type ClusterState, podKey } from "./state";
import type { ClaimRecord } from "./types";

export function ensureClaim(state: ClusterState, namespace: string, name: string): string {
  const key = podKey(namespace, name);
  if (!state.claims.has(key)) {
    const claim: ClaimRecord = {
      namespace,
      name,
      uid: uid(state.rng),
      volumeName: "",
      volumeUid: uid(state.rng),
      volumeHandle: ebsVolumeId(state.rng),
      createdAtMs: state.now(),
    };
    claim.volumeName = `pvc-${claim.uid}`;
    state.claims.set(key, claim);
  }
  return key;
}
