/**
 * The scenario a capture writes, in the sandbox's scenario format (docs/scenarios.md). Core cannot
 * import the sandbox's schema; the capture tests parse every captured scenario with it, so a drift
 * between the two fails there.
 */

export interface TwinNodeGroup {
  name: string;
  kind: "self-managed-asg" | "eks-managed";
  instanceType: string;
  podCapacity: number;
  zones: Record<string, number>;
  outdated: number | "all";
  minSize: number;
  maxSize: number;
  kubernetesVersion?: string;
  capacityType: "ON_DEMAND" | "SPOT";
  labels: Record<string, string>;
  maxUnavailable?: number;
}

export interface TwinWorkload {
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  namespace: string;
  name: string;
  replicas?: number;
  terminationGracePeriodSeconds: number;
  pdb?: { minAvailable: number | string } | { maxUnavailable: number | string };
  zonalVolumes: boolean;
  priorityClassName?: string;
  nodeGroup?: string;
  requests?: { cpu: string; memory: string };
}

export interface TwinObservation {
  kind: string;
  seconds: number;
  runId: string;
  id: string;
  at: string;
}

export interface TwinScenario {
  name: string;
  description: string;
  seed: number;
  region: string;
  cluster: {
    name: string;
    kind: "eks" | "self-managed";
    version: string;
    nodeGroups: TwinNodeGroup[];
    workloads: TwinWorkload[];
    addons: Record<string, string | { version: string; configurationValues?: string }>;
    insights: { name: string; status: "PASSING" | "WARNING" | "ERROR" | "UNKNOWN"; description: string }[];
    instanceTypes?: Record<string, { vcpus: number; memoryMiB: number; maxPods: number }>;
    controlPlane?: { zones: Record<string, number> };
    access: "none" | "connected";
  };
  history?: { nodeGroups: Record<string, TwinObservation[]>; cluster: TwinObservation[] };
}
