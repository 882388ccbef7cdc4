import { afterEach, describe, expect, it } from "vitest";
import { type ApiClients, apiError, bootCluster, connect, podsOf } from "./harness";

const threeNodes = [
  { name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1, "us-east-1b": 1, "us-east-1c": 1 } },
];

let api: ApiClients | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("eviction subresource against PodDisruptionBudgets", () => {
  it("grants evictions until the budget is spent, then answers 429 with the upstream Status body", async () => {
    const { cluster } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3, pdb: { minAvailable: 2 } }],
    });
    api = await connect(cluster);
    const [first, second] = podsOf(cluster, "web");

    await api.core.createNamespacedPodEviction({
      name: first!.name,
      namespace: "default",
      body: { metadata: { name: first!.name, namespace: "default" } },
    });
    const refused = await apiError(() =>
      api!.core.createNamespacedPodEviction({
        name: second!.name,
        namespace: "default",
        body: { metadata: { name: second!.name, namespace: "default" } },
      }),
    );

    expect(refused.code).toBe(429);
    expect(refused.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: {
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget web-pdb needs 2 healthy pods and has 2 currently",
          },
        ],
      },
      code: 429,
    });
    const metrics = cluster.metrics();
    expect(metrics.podsEvicted).toBe(1);
    expect(metrics.evictionsRefusedByPdb).toBe(1);
    const pdb = await api.policy.readNamespacedPodDisruptionBudget({ name: "web-pdb", namespace: "default" });
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(pdb.status?.currentHealthy).toBe(2);
    expect(pdb.status?.desiredHealthy).toBe(2);
  });

  it("lets only one of two concurrent evictions through a budget of 1", async () => {
    const { cluster } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3, pdb: { maxUnavailable: 1 } }],
    });
    api = await connect(cluster);
    const [a, b] = podsOf(cluster, "web");
    const evict = (name: string) =>
      api!.core
        .createNamespacedPodEviction({ name, namespace: "default", body: { metadata: { name, namespace: "default" } } })
        .then(() => 201)
        .catch((error: { code: number }) => error.code);

    const codes = await Promise.all([evict(a!.name), evict(b!.name)]);

    expect(codes.sort()).toEqual([201, 429]);
  });

  it("recovers the budget when the replacement pod turns Ready", async () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: threeNodes,
      timing: { podStartSeconds: 5 },
      workloads: [
        { kind: "Deployment", name: "web", replicas: 3, terminationGracePeriodSeconds: 30, pdb: { maxUnavailable: 1 } },
      ],
    });
    api = await connect(cluster);
    const [first, second] = podsOf(cluster, "web");
    expect(cluster.evict("default", first!.name)).toEqual({ outcome: "evicted" });
    expect(cluster.evict("default", second!.name).outcome).toBe("blocked");

    clock.settle();
    // The ReplicaSet controller replaced the terminating pod at once; it is not Ready yet.
    expect(podsOf(cluster, "web").filter((pod) => !pod.deleting)).toHaveLength(3);
    clock.advanceBy(4);
    expect(cluster.evict("default", second!.name).outcome).toBe("blocked");
    clock.advanceBy(1);

    expect(cluster.evict("default", second!.name)).toEqual({ outcome: "evicted" });
  });

  it("deletes a pod that is already terminating or still Pending without consulting the budget", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3, pdb: { minAvailable: 3 } }],
    });
    // With every node cordoned the replacement cannot be scheduled and stays Pending.
    for (const node of cluster.nodes()) cluster.setUnschedulable(node.name, true);
    const [first] = podsOf(cluster, "web");
    cluster.deletePod("default", first!.name);
    clock.settle();
    const replacement = podsOf(cluster, "web").find((pod) => pod.phase === "Pending" && !pod.deleting);
    expect(replacement?.nodeName).toBeUndefined();

    expect(cluster.evict("default", first!.name)).toEqual({ outcome: "evicted" });
    expect(cluster.evict("default", replacement!.name)).toEqual({ outcome: "evicted" });
    expect(cluster.evict("default", "no-such-pod")).toEqual({ outcome: "not-found" });
  });

  it("refuses with 500 when two budgets select the pod, and 404 for an unknown pod", async () => {
    const { cluster } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "web", replicas: 3, pdb: { maxUnavailable: 1 } }],
    });
    api = await connect(cluster);
    await api.policy.createNamespacedPodDisruptionBudget({
      namespace: "default",
      body: { metadata: { name: "web-extra" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } },
    });
    const [pod] = podsOf(cluster, "web");

    const several = await apiError(() =>
      api!.core.createNamespacedPodEviction({
        name: pod!.name,
        namespace: "default",
        body: { metadata: { name: pod!.name } },
      }),
    );
    const missing = await apiError(() =>
      api!.core.createNamespacedPodEviction({
        name: "ghost",
        namespace: "default",
        body: { metadata: { name: "ghost" } },
      }),
    );

    expect(several.code).toBe(500);
    expect(several.body.message).toBe(
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    );
    expect(cluster.evict("default", pod!.name)).toMatchObject({ outcome: "refused", status: 500 });
    const extra = await api.policy.readNamespacedPodDisruptionBudget({ name: "web-extra", namespace: "default" });
    expect(extra.status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
    });
    await api.policy.deleteNamespacedPodDisruptionBudget({ name: "web-extra", namespace: "default" });
    expect(cluster.evict("default", pod!.name)).toEqual({ outcome: "evicted" });
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: "Status", status: "Failure", reason: "NotFound", code: 404 });
  });

  it("refuses every eviction while a pdb-blocked workload is unready, and grants them once it clears", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "api", replicas: 2, pdb: { minAvailable: 1 } }],
      faults: [{ kind: "pdb-blocked", workload: "api", clearAfterSeconds: 120 }],
    });
    const [pod] = podsOf(cluster, "api");

    const blocked = cluster.evict("default", pod!.name);
    clock.advanceBy(120);
    const granted = cluster.evict("default", pod!.name);

    expect(blocked).toMatchObject({
      outcome: "blocked",
      pdbName: "api-pdb",
      message: expect.stringContaining("The disruption budget api-pdb needs 1 healthy pods and has 0 currently"),
    });
    expect(granted).toEqual({ outcome: "evicted" });
  });

  it("rejects an Eviction whose name does not match the URL, as upstream does", async () => {
    const { cluster } = bootCluster({
      nodeGroups: threeNodes,
      workloads: [{ kind: "Deployment", name: "web", replicas: 1 }],
    });
    api = await connect(cluster);
    const [pod] = podsOf(cluster, "web");

    const error = await apiError(() =>
      api!.core.createNamespacedPodEviction({
        name: pod!.name,
        namespace: "default",
        body: { metadata: { name: "other" } },
      }),
    );

    expect(error.code).toBe(400);
    expect(error.body.message).toBe("name in URL does not match name in Eviction object");
    expect(podsOf(cluster, "web")[0]?.deleting).toBe(false);
  });
});
