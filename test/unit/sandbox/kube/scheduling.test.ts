import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { feasibleNodesToFind } from "../../../../src/sandbox/kube/scheduler";
import { type ApiClients, bootCluster, connect, makeInstance, podsOf } from "./harness";

let api: ApiClients | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("scheduler", () => {
  it("spreads replicas across zones, then nodes", () => {
    const { cluster } = bootCluster({
      nodeGroups: [
        { name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2, "us-east-1b": 1, "us-east-1c": 1 } },
      ],
      workloads: [{ kind: "Deployment", name: "web", replicas: 4 }],
    });

    const zones = podsOf(cluster, "web").map((pod) => pod.availabilityZone);
    const nodes = new Set(podsOf(cluster, "web").map((pod) => pod.nodeName));

    expect(zones.sort()).toEqual(["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(nodes.size).toBe(4);
  });

  it("stops placing pods on a node cordoned through a merge patch, and resumes after uncordon", async () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } }],
      workloads: [{ kind: "Deployment", name: "web", replicas: 1 }],
    });
    api = await connect(cluster);
    const [node] = cluster.nodes();

    const patched = await api.core.patchNode(
      { name: node!.name, body: { spec: { unschedulable: true } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    cluster.evict("default", podsOf(cluster, "web")[0]!.name);
    clock.advanceBy(60);
    const whileCordoned = podsOf(cluster, "web");
    await api.core.patchNode({
      name: node!.name,
      body: [{ op: "replace", path: "/spec/unschedulable", value: false }],
    });
    clock.settle();

    expect(patched.spec?.unschedulable).toBe(true);
    expect(patched.spec?.taints).toEqual([
      expect.objectContaining({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }),
    ]);
    expect(whileCordoned).toHaveLength(1);
    expect(whileCordoned[0]?.nodeName).toBeUndefined();
    expect(cluster.metrics().pendingPods).toBe(0);
    expect(podsOf(cluster, "web")[0]?.nodeName).toBe(node!.name);
  });

  it("keeps a pod off a node with a NoSchedule taint set by a strategic merge patch", async () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2 } }],
      workloads: [{ kind: "Deployment", name: "web", replicas: 1 }],
    });
    api = await connect(cluster);
    const pod = podsOf(cluster, "web")[0]!;
    const other = cluster.nodes().find((node) => node.name !== pod.nodeName)!;
    await api.core.patchNode(
      { name: other.name, body: { spec: { taints: [{ key: "dedicated", value: "batch", effect: "NoSchedule" }] } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    cluster.setUnschedulable(pod.nodeName!, true);

    cluster.evict("default", pod.name);
    clock.settle();

    const replacement = podsOf(cluster, "web").find((candidate) => !candidate.deleting);
    expect(replacement?.nodeName).toBeUndefined();
    expect(
      cluster
        .events()
        .some(
          (event) =>
            event.reason === "FailedScheduling" && event.message.includes("1 node(s) had untolerated taint(s)"),
        ),
    ).toBe(true);
  });

  it("respects pod capacity and the workload's node group", () => {
    const { cluster } = bootCluster({
      nodeGroups: [
        { name: "workers", kind: "eks-managed", podCapacity: 2, zones: { "us-east-1a": 1 } },
        { name: "batch", kind: "self-managed-asg", podCapacity: 10, zones: { "us-east-1a": 1 } },
      ],
      workloads: [
        { kind: "DaemonSet", name: "kube-proxy", namespace: "kube-system" },
        { kind: "Deployment", name: "web", replicas: 3, nodeGroup: "workers" },
      ],
    });

    const web = podsOf(cluster, "web");
    expect(web.filter((pod) => pod.nodeName !== undefined)).toHaveLength(2);
    expect(cluster.metrics().pendingPods).toBe(1);
    expect(cluster.nodes().find((node) => node.nodeGroup === "batch")?.workloadPods).toBe(0);
  });

  it("keeps a zonal-volume pod Pending until a Ready node exists in its volume's zone", () => {
    const { cluster, clock, instances } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1, "us-east-1b": 1 } }],
      timing: { nodeReadySeconds: 30, podStartSeconds: 5, volumeAttachSeconds: 10 },
      workloads: [
        { kind: "StatefulSet", name: "db", replicas: 1, zonalVolumes: true, terminationGracePeriodSeconds: 0 },
      ],
    });
    const before = podsOf(cluster, "db")[0]!;
    const zone = before.volumeZone!;
    const home = instances.find((instance) => instance.availabilityZone === zone)!;

    cluster.instanceShuttingDown(home.instanceId);
    cluster.instanceTerminated(home.instanceId);
    clock.advanceBy(100);
    const stranded = podsOf(cluster, "db")[0]!;
    const replacement = makeInstance({ availabilityZone: zone });
    cluster.instanceRunning(replacement);
    clock.advanceBy(29);
    const beforeReady = podsOf(cluster, "db")[0]!;
    clock.advanceBy(1);
    const bound = podsOf(cluster, "db")[0]!;
    clock.advanceBy(14);
    const almost = podsOf(cluster, "db")[0]!;
    clock.advanceBy(1);

    expect(before.availabilityZone).toBe(zone);
    expect(stranded).toMatchObject({ name: "db-0", phase: "Pending", volumeZone: zone });
    expect(stranded.nodeName).toBeUndefined();
    expect(beforeReady.nodeName).toBeUndefined();
    expect(bound.nodeName).toBe(replacement.privateDnsName);
    expect(almost.ready).toBe(false);
    // Ready after the volume attach (10 s) and the start time (5 s).
    expect(podsOf(cluster, "db")[0]!.ready).toBe(true);
    expect(cluster.metrics().zonalPodPendingSeconds).toBe(130);
  });

  it("scores kube-scheduler's share of a large cluster's nodes (percentageOfNodesToScore)", () => {
    expect(feasibleNodesToFind(50)).toBe(50);
    expect(feasibleNodesToFind(100)).toBe(100);
    expect(feasibleNodesToFind(1000)).toBe(420);
    expect(feasibleNodesToFind(5000)).toBe(500);
    expect(feasibleNodesToFind(20000)).toBe(1000);
  });

  it("still spreads replacements evenly across zones in a cluster too large to score every node", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: [
        {
          name: "workers",
          kind: "eks-managed",
          podCapacity: 10,
          zones: { "us-east-1a": 100, "us-east-1b": 100, "us-east-1c": 100 },
        },
      ],
      workloads: [{ kind: "Deployment", name: "web", replicas: 600 }],
    });
    const perZone = (zone: string) =>
      podsOf(cluster, "web").filter((pod) => pod.availabilityZone === zone && !pod.deleting).length;
    const victims = podsOf(cluster, "web")
      .filter((pod) => pod.availabilityZone === "us-east-1a")
      .slice(0, 60);

    for (const victim of victims) cluster.deletePod("default", victim.name);
    clock.settle();

    expect(cluster.metrics().pendingPods).toBe(0);
    expect([perZone("us-east-1a"), perZone("us-east-1b"), perZone("us-east-1c")]).toEqual([200, 200, 200]);
    clock.advanceBy(30);
    // Once the old pods have exited, no node carries more than one extra replica.
    expect(Math.max(...cluster.nodes().map((node) => node.workloadPods))).toBeLessThanOrEqual(3);
  });
});
