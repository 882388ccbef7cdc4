import { describe, expect, it } from "vitest";
import { bootCluster, makeInstance } from "./harness";

function run(seed: number) {
  const { cluster, clock, instances } = bootCluster({
    seed,
    nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2, "us-east-1b": 2 } }],
    workloads: [
      { kind: "Deployment", name: "web", replicas: 6, pdb: { maxUnavailable: 1 } },
      { kind: "StatefulSet", name: "db", replicas: 3, zonalVolumes: true, pdb: { minAvailable: 2 } },
      { kind: "DaemonSet", name: "aws-node", namespace: "kube-system" },
    ],
  });
  // A small roll of the first two nodes: surge, cordon, drain through evictions, terminate.
  for (const old of instances.slice(0, 2)) {
    cluster.instanceRunning(makeInstance({ availabilityZone: old.availabilityZone }));
  }
  clock.advanceBy(60);
  for (const old of instances.slice(0, 2)) {
    const node = cluster.nodeNameForInstance(old.instanceId)!;
    cluster.setUnschedulable(node, true);
    for (let attempt = 0; attempt < 20 && cluster.evictablePodsOnNode(node).length > 0; attempt++) {
      for (const pod of cluster.evictablePodsOnNode(node)) if (!pod.deleting) cluster.evict(pod.namespace, pod.name);
      clock.advanceBy(15);
    }
    cluster.instanceShuttingDown(old.instanceId);
    cluster.instanceTerminated(old.instanceId);
  }
  clock.advanceBy(120);
  const metrics = cluster.metrics();
  return { pods: cluster.pods(), events: cluster.events(), metrics };
}

describe("determinism", () => {
  it("produces the same pods, events and metrics for the same seed", () => {
    const first = run(11);
    const second = run(11);

    expect(second).toEqual(first);
    expect(first.metrics.podsLost).toBe(0);
    expect(first.metrics.podsEvicted).toBeGreaterThan(0);
  });

  it("names pods differently for another seed", () => {
    const names = (seed: number) =>
      run(seed)
        .pods.map((pod) => pod.name)
        .filter((name) => name.startsWith("web-"));

    expect(names(11)).not.toEqual(names(12));
  });
});
