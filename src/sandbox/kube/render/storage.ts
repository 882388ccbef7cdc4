/** PersistentVolumeClaims and the EBS CSI PersistentVolumes bound to them, with zonal node affinity. */
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { ClaimRecord } from "../types";

const STORAGE = "10Gi";

export function renderClaim(state: ClusterState, claim: ClaimRecord): Record<string, unknown> {
  const bound = claim.zone !== undefined;
  const spec: Record<string, unknown> = {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: STORAGE } },
    storageClassName: "gp3",
    volumeMode: "Filesystem",
  };
  if (bound) spec.volumeName = claim.volumeName;
  const annotations: Record<string, string> = { "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com" };
  if (bound) annotations["volume.kubernetes.io/selected-node"] = claim.attachedNode ?? "";
  return {
    kind: "PersistentVolumeClaim",
    apiVersion: "v1",
    metadata: {
      name: claim.name,
      namespace: claim.namespace,
      uid: claim.uid,
      resourceVersion: state.currentResourceVersion(),
      creationTimestamp: rfc3339(claim.createdAtMs),
      annotations,
    },
    spec,
    status: bound
      ? { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: STORAGE } }
      : { phase: "Pending" },
  };
}

/** Only provisioned claims have a volume. */
export function renderVolume(state: ClusterState, claim: ClaimRecord): Record<string, unknown> {
  return {
    kind: "PersistentVolume",
    apiVersion: "v1",
    metadata: {
      name: claim.volumeName,
      uid: claim.volumeUid,
      resourceVersion: state.currentResourceVersion(),
      creationTimestamp: rfc3339(claim.provisionedAtMs ?? claim.createdAtMs),
      annotations: { "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com" },
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      capacity: { storage: STORAGE },
      claimRef: {
        kind: "PersistentVolumeClaim",
        apiVersion: "v1",
        namespace: claim.namespace,
        name: claim.name,
        uid: claim.uid,
      },
      csi: { driver: "ebs.csi.aws.com", volumeHandle: claim.volumeHandle, fsType: "ext4" },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: "topology.kubernetes.io/zone", operator: "In", values: [claim.zone as string] },
              ],
            },
          ],
        },
      },
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: "gp3",
      volumeMode: "Filesystem",
    },
    status: { phase: "Bound" },
  };
}
