import { describe, expect, it } from "vitest";
import { bootCluster, makeInstance, podsOf } from "./harness";

const twoZones = [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1, "us-east-1b": 1 } }];

describe("workload controllers", () => {
  it("recreates a StatefulSet ordinal with the same name only after the old pod is gone", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: twoZones,
      workloads: [{ kind: "StatefulSet", name: "db", replicas: 2, terminationGracePeriodSeconds: 30 }],
    });
    expect(podsOf(cluster, "db").map((pod) => pod.name)).toEqual(["db-0", "db-1"]);

    expect(cluster.evict("default", "db-1")).toEqual({ outcome: "evicted" });
    clock.advanceBy(29);
    const during = podsOf(cluster, "db");
    clock.advanceBy(1);
    const justAfter = podsOf(cluster, "db").find((pod) => pod.name === "db-1");

    expect(during).toHaveLength(2);
    expect(during.find((pod) => pod.name === "db-1")?.deleting).toBe(true);
    expect(justAfter).toMatchObject({ name: "db-1", deleting: false, ready: false });
    expect(justAfter?.createdAtMs).toBe(clock.nowMs());
  });

  it("replaces a Deployment pod as soon as it starts terminating, so old and new overlap", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: twoZones,
      workloads: [
        { kind: "Deployment", name: "web", replicas: 2, terminationGracePeriodSeconds: 60, shutdownSeconds: 10 },
      ],
    });
    const [victim] = podsOf(cluster, "web");

    cluster.evict("default", victim!.name);
    clock.settle();
    const overlapping = podsOf(cluster, "web");
    clock.advanceBy(10);

    expect(overlapping).toHaveLength(3);
    expect(overlapping.filter((pod) => pod.deleting).map((pod) => pod.name)).toEqual([victim!.name]);
    expect(overlapping.every((pod) => pod.name.startsWith("web-"))).toBe(true);
    // The pod exits at min(shutdownSeconds, grace) = 10 s, not at the 60 s grace period.
    expect(podsOf(cluster, "web").map((pod) => pod.name)).not.toContain(victim!.name);
    expect(podsOf(cluster, "web")).toHaveLength(2);
  });

  it("names Deployment pods <name>-<pod-template-hash>-<5 chars>", () => {
    const { cluster } = bootCluster({
      nodeGroups: twoZones,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3 }],
    });

    for (const pod of podsOf(cluster, "web"))
      expect(pod.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("puts one DaemonSet pod on each node, including a node registered later and a cordoned one, and never lists it for a drain", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: twoZones,
      timing: { nodeReadySeconds: 30 },
      workloads: [
        { kind: "DaemonSet", name: "aws-node", namespace: "kube-system" },
        { kind: "Deployment", name: "web", replicas: 2 },
      ],
    });
    const [first] = cluster.nodes();
    cluster.setUnschedulable(first!.name, true);
    cluster.instanceRunning(makeInstance({ availabilityZone: "us-east-1a" }));
    clock.advanceBy(30);

    const daemonPods = podsOf(cluster, "aws-node");
    expect(daemonPods).toHaveLength(3);
    expect(new Set(daemonPods.map((pod) => pod.nodeName)).size).toBe(3);
    const evictable = cluster.evictablePodsOnNode(first!.name);
    expect(evictable.every((pod) => !pod.name.startsWith("aws-node"))).toBe(true);
    expect(evictable.map((pod) => pod.name)).toEqual(
      podsOf(cluster, "web")
        .filter((pod) => pod.nodeName === first!.name)
        .map((pod) => pod.name),
    );
  });

  it("recreates a deleted DaemonSet pod on its node once the old one is gone, and on no other node", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: twoZones,
      workloads: [{ kind: "DaemonSet", name: "aws-node", namespace: "kube-system", terminationGracePeriodSeconds: 5 }],
    });
    const before = podsOf(cluster, "aws-node");
    const victim = before[0]!;
    cluster.deletePod("kube-system", victim.name);
    clock.advanceBy(1);
    // Still terminating: it covers its node, so no second daemon starts beside it.
    expect(podsOf(cluster, "aws-node").filter((pod) => pod.nodeName === victim.nodeName)).toHaveLength(1);
    clock.advanceBy(10);
    const after = podsOf(cluster, "aws-node");
    expect(after).toHaveLength(before.length);
    expect(after.map((pod) => pod.nodeName).sort()).toEqual(before.map((pod) => pod.nodeName).sort());
    expect(after.some((pod) => pod.name === victim.name)).toBe(false);
  });

  it("stops an OrderedReady StatefulSet at the first ordinal that is not Running and Ready", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: twoZones,
      timing: { podStartSeconds: 20 },
      workloads: [{ kind: "StatefulSet", name: "db", replicas: 3, terminationGracePeriodSeconds: 5 }],
    });
    cluster.deletePod("default", "db-0");
    cluster.deletePod("default", "db-2");
    clock.advanceBy(5);
    const afterExit = podsOf(cluster, "db").map((pod) => pod.name);
    clock.advanceBy(20);
    const afterFirstReady = podsOf(cluster, "db").map((pod) => pod.name);

    expect(afterExit).toEqual(["db-0", "db-1"]);
    expect(afterFirstReady).toEqual(["db-0", "db-1", "db-2"]);
  });
});
