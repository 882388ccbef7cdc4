import { describe, expect, it } from "vitest";
import { bootCluster, podsOf } from "./harness";

const threeZones = [
  { name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1, "us-east-1b": 1, "us-east-1c": 1 } },
];

describe("cluster metrics", () => {
  it("counts workload pods lost when a node dies under them, and a PDB violation only when it breaks the budget", () => {
    const { cluster, instances } = bootCluster({
      nodeGroups: threeZones,
      workloads: [
        { kind: "Deployment", name: "web", replicas: 3, pdb: { minAvailable: 2 } },
        // DaemonSet pods die with every node by design: not counted as lost.
        { kind: "DaemonSet", name: "aws-node", namespace: "kube-system" },
      ],
    });
    const [a, b] = instances;

    cluster.instanceShuttingDown(a!.instanceId);
    const afterFirst = cluster.metrics();
    cluster.instanceShuttingDown(b!.instanceId);
    const afterSecond = cluster.metrics();

    expect(afterFirst.podsLost).toBe(1);
    expect(afterFirst.pdbViolations).toBe(0);
    expect(afterSecond.podsLost).toBe(2);
    expect(afterSecond.pdbViolations).toBe(1);
  });

  it("does not count a pod that was already terminating as lost", () => {
    const { cluster, instances } = bootCluster({
      nodeGroups: threeZones,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3 }],
    });
    const victim = podsOf(cluster, "web").find((pod) => pod.nodeName === instances[0]!.privateDnsName)!;

    cluster.evict("default", victim.name);
    cluster.instanceShuttingDown(instances[0]!.instanceId);

    expect(cluster.metrics().podsLost).toBe(0);
    expect(cluster.metrics().podsEvicted).toBe(1);
  });

  it("counts a forced delete that breaks a budget as a violation", () => {
    const { cluster } = bootCluster({
      nodeGroups: threeZones,
      workloads: [{ kind: "Deployment", name: "web", replicas: 2, pdb: { maxUnavailable: 0 } }],
    });

    cluster.deletePod("default", podsOf(cluster, "web")[0]!.name);

    expect(cluster.metrics().pdbViolations).toBe(1);
  });

  it("integrates unavailable replicas over virtual time", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: threeZones,
      workloads: [
        { kind: "Deployment", name: "web", replicas: 3 },
        { kind: "StatefulSet", name: "db", replicas: 2 },
      ],
    });

    cluster.blockWorkload("default", "web", 60);
    clock.advanceBy(100);
    cluster.blockWorkload("default", "db", 10);
    clock.advanceBy(100);

    // 3 replicas × 60 s, then 2 replicas × 10 s.
    expect(cluster.metrics().podUnavailableSeconds).toBe(200);
  });

  it("keeps the minimum capacity ratio: allocatable of Ready schedulable nodes, net of DaemonSets, over the wanted pods' requests", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2, "us-east-1b": 2 } }],
      workloads: [
        { kind: "Deployment", name: "web", replicas: 6, requests: { cpu: "500m", memory: "1Gi" } },
        { kind: "DaemonSet", name: "agent", namespace: "kube-system", requests: { cpu: "100m", memory: "128Mi" } },
      ],
    });
    // m6i.large: 1930m and 7518 MiB allocatable; 1830m and 7390 MiB once the DaemonSet pod is counted.
    // Each AZ wants 3 × 500m = 1500m and 3 GiB: CPU is the scarcer, 3660 / 1500 = 2.44.
    expect(cluster.capacityNow()).toEqual({ az: 2.44, cluster: 2.44 });
    const window = cluster.openCapacityWindow();
    const inB = cluster.nodes().filter((node) => node.availabilityZone === "us-east-1b");

    cluster.setUnschedulable(inB[0]!.name, true);
    clock.advanceBy(10);
    cluster.setUnschedulable(inB[0]!.name, false);
    clock.advanceBy(10);

    // us-east-1b ran on one node: 1830 / 1500; the cluster on three: 5490 / 3000.
    expect(window.minimum()).toEqual({ az: 1.22, cluster: 1.83 });
    expect(cluster.capacityNow()).toEqual({ az: 2.44, cluster: 2.44 });
    expect(cluster.metrics().minCapacityRatio).toEqual({ az: 1.22, cluster: 1.83 });
  });

  it("integrates pod-seconds below each PDB's desiredHealthy", () => {
    const { cluster, clock, instances } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2 } }],
      workloads: [{ kind: "Deployment", name: "web", replicas: 4, pdb: { minAvailable: 4 } }],
    });
    expect(cluster.metrics().pdbDeficitPodSecondsTotal).toBe(0);
    const lostPods = cluster.pods().filter((p) => p.nodeName === cluster.nodeNameForInstance(instances[0]!.instanceId));

    cluster.instanceShuttingDown(instances[0]!.instanceId);
    clock.advanceBy(60);

    const metrics = cluster.metrics();
    // The lost pods' replacements start on the other node after podStartSeconds (5 s by default).
    const entries = Object.entries(metrics.pdbDeficitPodSeconds);
    expect(entries).toHaveLength(1);
    const [key, podSeconds] = entries[0]!;
    expect(key).toMatch(/^default\/web/);
    expect(lostPods.length).toBeGreaterThan(0);
    expect(podSeconds).toBeCloseTo(lostPods.length * 5, 0);
    expect(metrics.pdbDeficitPodSecondsTotal).toBe(podSeconds);
  });
});

describe("PodDisruptionBudget arithmetic", () => {
  it.each([
    [{ minAvailable: "50%" }, 3, 2, 1],
    [{ minAvailable: "34%" }, 3, 2, 1],
    [{ maxUnavailable: "25%" }, 3, 2, 1],
    [{ maxUnavailable: "50%" }, 3, 1, 2],
    [{ minAvailable: 3 }, 3, 3, 0],
    [{ maxUnavailable: 0 }, 3, 3, 0],
  ])(
    "%j over %i replicas wants %i healthy and allows %i disruptions (percentages round up)",
    async (pdb, replicas, desired, allowed) => {
      const { cluster } = bootCluster({
        nodeGroups: threeZones,
        workloads: [{ kind: "Deployment", name: "web", replicas, pdb }],
      });

      const outcomes = podsOf(cluster, "web").map((pod) => cluster.evict("default", pod.name).outcome);

      expect(outcomes.filter((outcome) => outcome === "evicted")).toHaveLength(allowed);
      const blocked = cluster.evict("default", podsOf(cluster, "web").find((pod) => !pod.deleting)!.name);
      expect(blocked).toMatchObject({ outcome: "blocked" });
      if (blocked.outcome === "blocked") expect(blocked.message).toContain(`needs ${desired} healthy pods`);
    },
  );
});
