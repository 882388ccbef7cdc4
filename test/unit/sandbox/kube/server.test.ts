import { afterEach, describe, expect, it } from "vitest";
import { startKubeApiServer } from "../../../../src/sandbox/kube/server";
import { type ApiClients, apiError, bootCluster, connect, podsOf } from "./harness";

let api: ApiClients | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const twoZones = [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2, "us-east-1b": 1 } }];

function boot() {
  return bootCluster({
    nodeGroups: twoZones,
    workloads: [
      { kind: "Deployment", name: "web", replicas: 3, pdb: { maxUnavailable: "34%" } },
      { kind: "StatefulSet", name: "db", replicas: 2, zonalVolumes: true },
      { kind: "DaemonSet", name: "kube-proxy", namespace: "kube-system" },
    ],
  });
}

describe("simulated API server over HTTP", () => {
  it("answers 401 without a bearer token and counts every request", async () => {
    const { cluster } = boot();
    const server = await startKubeApiServer(cluster);
    try {
      const anonymous = await fetch(`${server.url}/api/v1/nodes`);
      const withToken = await fetch(`${server.url}/version`, { headers: { Authorization: "Bearer k8s-aws-v1.abc" } });

      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "Unauthorized",
        code: 401,
      });
      expect(await withToken.json()).toMatchObject({ major: "1", gitVersion: "v1.30.4-eks-a5565ad" });
      expect(cluster.apiCalls()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("accepts only the configured token when one is given", async () => {
    const { cluster } = boot();
    const server = await startKubeApiServer(cluster, { token: "right" });
    try {
      const wrong = await fetch(`${server.url}/api`, { headers: { Authorization: "Bearer wrong" } });
      const right = await fetch(`${server.url}/api`, { headers: { Authorization: "Bearer right" } });

      expect(wrong.status).toBe(401);
      expect(await right.json()).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    } finally {
      await server.close();
    }
  });

  it("answers unknown paths with a 404 Status and serves discovery", async () => {
    const { cluster } = boot();
    const server = await startKubeApiServer(cluster);
    const headers = { Authorization: "Bearer t" };
    try {
      const unknown = await fetch(`${server.url}/apis/batch/v1/jobs`, { headers });
      const groups = (await (await fetch(`${server.url}/apis`, { headers })).json()) as { groups: { name: string }[] };
      const policy = (await (await fetch(`${server.url}/apis/policy/v1`, { headers })).json()) as {
        resources: { name: string }[];
      };

      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "NotFound",
        code: 404,
      });
      expect(groups.groups.map((group) => group.name)).toEqual([
        "apps",
        "policy",
        "rbac.authorization.k8s.io",
        "events.k8s.io",
      ]);
      expect(policy.resources.map((resource) => resource.name)).toEqual(["poddisruptionbudgets"]);
    } finally {
      await server.close();
    }
  });

  it("filters pods by spec.nodeName and label selectors, and pages with limit/continue", async () => {
    const { cluster } = boot();
    api = await connect(cluster);
    const node = podsOf(cluster, "web")[0]!.nodeName!;

    const onNode = await api.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    const web = await api.core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" });
    const notWeb = await api.core.listPodForAllNamespaces({ labelSelector: "app notin (web,db)" });
    const first = await api.core.listPodForAllNamespaces({ limit: 4 });
    const rest = await api.core.listPodForAllNamespaces({ limit: 4, _continue: first.metadata?._continue });
    const unsupported = await apiError(() => api!.core.listPodForAllNamespaces({ fieldSelector: "spec.hostname=x" }));

    expect(onNode.items.every((pod) => pod.spec?.nodeName === node)).toBe(true);
    expect(onNode.items.map((pod) => pod.metadata?.name).sort()).toEqual(
      cluster
        .pods()
        .filter((pod) => pod.nodeName === node)
        .map((pod) => pod.name)
        .sort(),
    );
    expect(web.items).toHaveLength(3);
    expect(notWeb.items.map((pod) => pod.metadata?.namespace)).toEqual(["kube-system", "kube-system", "kube-system"]);
    expect(first.items).toHaveLength(4);
    expect(first.metadata?.remainingItemCount).toBe(4);
    expect(rest.metadata?._continue).toBeUndefined();
    expect([...first.items, ...rest.items].map((pod) => pod.metadata?.name)).toEqual(
      cluster.pods().map((pod) => pod.name),
    );
    expect(unsupported.code).toBe(400);
  });

  it("serves PodDisruptionBudgets with live status, workloads, volumes and claims", async () => {
    const { cluster } = boot();
    api = await connect(cluster);

    const pdbs = await api.policy.listPodDisruptionBudgetForAllNamespaces();
    const deployments = await api.apps.listDeploymentForAllNamespaces();
    const statefulSets = await api.apps.listNamespacedStatefulSet({ namespace: "default" });
    const daemonSets = await api.apps.listDaemonSetForAllNamespaces();
    const volumes = await api.core.listPersistentVolume();
    const claims = await api.core.listNamespacedPersistentVolumeClaim({ namespace: "default" });

    expect(pdbs.items[0]).toMatchObject({
      metadata: { name: "web-pdb", namespace: "default" },
      spec: { maxUnavailable: "34%", selector: { matchLabels: { app: "web" } } },
      status: { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 },
    });
    expect(deployments.items[0]?.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(statefulSets.items[0]?.spec?.volumeClaimTemplates?.[0]?.metadata?.name).toBe("data");
    expect(daemonSets.items[0]?.status?.desiredNumberScheduled).toBe(3);
    expect(claims.items.map((claim) => claim.metadata?.name)).toEqual(["data-db-0", "data-db-1"]);
    expect(volumes.items).toHaveLength(2);
    const zones = volumes.items.map(
      (volume) => volume.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values?.[0],
    );
    expect(zones.sort()).toEqual(
      podsOf(cluster, "db")
        .map((pod) => pod.availabilityZone)
        .sort(),
    );
  });

  it("deletes a pod with a grace period from the query and returns it terminating", async () => {
    const { cluster, clock } = boot();
    api = await connect(cluster);
    const pod = podsOf(cluster, "web")[0]!;

    const deleted = await api.core.deleteNamespacedPod({ name: pod.name, namespace: "default", gracePeriodSeconds: 7 });
    clock.advanceBy(6);
    const stillThere = podsOf(cluster, "web").some((candidate) => candidate.name === pod.name);
    clock.advanceBy(1);

    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(7);
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(stillThere).toBe(true);
    expect(podsOf(cluster, "web").some((candidate) => candidate.name === pod.name)).toBe(false);
    expect((await apiError(() => api!.core.readNamespacedPod({ name: pod.name, namespace: "default" }))).code).toBe(
      404,
    );
  });

  it("deletes a node and garbage-collects its pods", async () => {
    const { cluster } = boot();
    api = await connect(cluster);
    const node = cluster.nodes()[0]!;

    await api.core.deleteNode({ name: node.name });

    expect(cluster.nodes().map((candidate) => candidate.name)).not.toContain(node.name);
    expect(cluster.pods().some((pod) => pod.nodeName === node.name)).toBe(false);
    expect((await apiError(() => api!.core.deleteNode({ name: node.name }))).code).toBe(404);
  });

  it("stores Events written through core/v1 and events.k8s.io/v1 and lists them through both", async () => {
    const { cluster, clock } = boot();
    api = await connect(cluster);
    const node = cluster.nodes()[0]!.name;

    await api.core.createNamespacedEvent({
      namespace: "default",
      body: {
        metadata: { name: `${node}.cordon1` },
        involvedObject: { apiVersion: "v1", kind: "Node", name: node },
        reason: "TugboatCordon",
        message: "cordoned for roll",
        type: "Normal",
        source: { component: "tugboat" },
        firstTimestamp: clock.now(),
        lastTimestamp: clock.now(),
        count: 1,
      },
    });
    await api.events.createNamespacedEvent({
      namespace: "default",
      body: {
        metadata: { name: `${node}.drain1` },
        eventTime: clock.now(),
        reportingController: "tugboat.io/roll",
        reportingInstance: "roll-1",
        action: "Drain",
        reason: "TugboatDrain",
        regarding: { kind: "Node", name: node },
        note: "draining",
        type: "Normal",
      },
    });
    const duplicate = await apiError(() =>
      api!.core.createNamespacedEvent({
        namespace: "default",
        body: { metadata: { name: `${node}.cordon1` }, involvedObject: { kind: "Node", name: node } },
      }),
    );
    const misplaced = await apiError(() =>
      api!.core.createNamespacedEvent({
        namespace: "kube-system",
        body: { metadata: { name: "x" }, involvedObject: { kind: "Node", name: node }, reason: "X" },
      }),
    );
    const incomplete = await apiError(() =>
      api!.events.createNamespacedEvent({
        namespace: "default",
        body: { metadata: { name: "y" }, eventTime: clock.now(), reason: "X", regarding: { kind: "Node", name: node } },
      }),
    );

    const core = await api.core.listNamespacedEvent({
      namespace: "default",
      fieldSelector: `involvedObject.name=${node}`,
    });
    const v1 = await api.events.listNamespacedEvent({ namespace: "default", fieldSelector: "reason=TugboatCordon" });

    expect(core.items.map((event) => event.reason)).toEqual(expect.arrayContaining(["TugboatCordon", "TugboatDrain"]));
    expect(v1.items.map((event) => event.note)).toEqual(["cordoned for roll"]);
    expect(duplicate.code).toBe(409);
    expect(misplaced.code).toBe(422);
    expect(incomplete.code).toBe(422);
    expect(cluster.events().filter((event) => event.reason.startsWith("Tugboat"))).toHaveLength(2);
  });

  it("emits the control plane's own events for what happens after t0, and none for the t0 layout", async () => {
    const { cluster, clock } = boot();
    api = await connect(cluster);
    const atStart = cluster.events().length;
    const victim = podsOf(cluster, "web")[0]!;

    cluster.evict("default", victim.name);
    clock.settle();
    const list = await api.core.listNamespacedEvent({
      namespace: "default",
      fieldSelector: `involvedObject.name=${victim.name}`,
    });
    const reasons = cluster.events().map((event) => event.reason);

    expect(atStart).toBe(0);
    expect(list.items.map((event) => event.reason)).toEqual(["Killing"]);
    expect(reasons).toEqual(expect.arrayContaining(["Killing", "SuccessfulCreate", "Scheduled"]));
  });

  it("forgets an event an hour after it was written, as kube-apiserver's --event-ttl does", async () => {
    const { cluster, clock } = boot();
    api = await connect(cluster);
    const node = cluster.nodes()[0]!.name;
    const cordon = (name: string) =>
      api!.core.createNamespacedEvent({
        namespace: "default",
        body: {
          metadata: { name },
          involvedObject: { apiVersion: "v1", kind: "Node", name: node },
          reason: "TugboatCordon",
          message: "cordoned for roll",
          type: "Normal",
        },
      });
    const listed = async () =>
      (await api!.core.listNamespacedEvent({ namespace: "default", fieldSelector: "reason=TugboatCordon" })).items.map(
        (event) => event.metadata?.name,
      );

    await cordon("early");
    clock.advanceBy(1800);
    await cordon("later");
    clock.advanceBy(1799);
    const beforeTheHour = await listed();
    clock.advanceBy(1);
    const afterTheHour = await listed();
    const earlyAfterTheHour = await apiError(() =>
      api!.core.readNamespacedEvent({ namespace: "default", name: "early" }),
    );
    // Its name is free again, as the stored object is gone.
    await cordon("early");

    expect(beforeTheHour).toEqual(["early", "later"]);
    expect(afterTheHour).toEqual(["later"]);
    expect(earlyAfterTheHour.code).toBe(404);
    expect(await listed()).toEqual(["early", "later"]);
    expect(cluster.events().map((event) => event.name)).toEqual(["later", "early"]);
  });

  it("answers a stale resourceVersion on a node update with 409 Conflict", async () => {
    const { cluster } = boot();
    api = await connect(cluster);
    const name = cluster.nodes()[0]!.name;
    const node = await api.core.readNode({ name });
    cluster.setUnschedulable(name, true);

    const conflict = await apiError(() => api!.core.replaceNode({ name, body: node }));

    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe("Conflict");
  });
});
