import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { publishedFixture } from "../../../support/published-fixtures";
import { type ApiClients, bootCluster, connect, makeInstance } from "./harness";

const fixture = JSON.parse(
  readFileSync(publishedFixture("kubernetes/k8s-node-eks-managed-nodegroup.json"), "utf8"),
) as {
  metadata: { labels: Record<string, string> };
  status: { addresses: { type: string }[]; conditions: { type: string }[] };
};

let api: ApiClients | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const oneNode = [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } }];

describe("node lifecycle", () => {
  it("registers a NotReady node shortly after the instance runs and turns it Ready at nodeReadySeconds", () => {
    const { cluster, clock } = bootCluster({ nodeGroups: oneNode, timing: { nodeReadySeconds: 40 } });
    const instance = makeInstance({ availabilityZone: "us-east-1b" });

    cluster.instanceRunning(instance);
    const atStart = cluster.nodeNameForInstance(instance.instanceId);
    clock.advanceBy(5);
    const registered = cluster.nodes().find((node) => node.instanceId === instance.instanceId);
    clock.advanceBy(34);
    const stillNotReady = cluster.isNodeReady(instance.privateDnsName);
    clock.advanceBy(1);

    expect(atStart).toBeUndefined();
    expect(registered).toMatchObject({ name: instance.privateDnsName, ready: false });
    expect(stillNotReady).toBe(false);
    expect(cluster.isNodeReady(instance.privateDnsName)).toBe(true);
    expect(cluster.readySchedulableByZone("workers")).toEqual({ "us-east-1a": 1, "us-east-1b": 1 });
  });

  it("never registers an instance whose kubelet never joins", () => {
    const { cluster, clock } = bootCluster({ nodeGroups: oneNode });
    const instance = makeInstance({ availabilityZone: "us-east-1a", neverJoins: true });

    cluster.instanceRunning(instance);
    clock.advanceBy(3600);

    expect(cluster.nodeNameForInstance(instance.instanceId)).toBeUndefined();
    expect(cluster.nodes()).toHaveLength(1);
  });

  it("serves nodes shaped like a real EKS node", async () => {
    const { cluster, instances } = bootCluster({ nodeGroups: oneNode });
    api = await connect(cluster);
    const instance = instances[0]!;

    const node = await api.core.readNode({ name: instance.privateDnsName });

    expect(node.spec?.providerID).toBe(`aws:///us-east-1a/${instance.instanceId}`);
    expect(node.status?.nodeInfo?.kubeletVersion).toBe("v1.30.4-eks-a5565ad");
    expect(node.metadata?.labels).toMatchObject({
      "topology.kubernetes.io/zone": "us-east-1a",
      "topology.kubernetes.io/region": "us-east-1",
      "node.kubernetes.io/instance-type": "m6i.large",
      "kubernetes.io/hostname": instance.privateDnsName,
      "tugboat.io/node-group": "workers",
    });
    // Every standard label of the fixture node that is not specific to eksctl or managed node groups is present.
    const standard = Object.keys(fixture.metadata.labels).filter(
      (key) =>
        key.startsWith("kubernetes.io/") ||
        key.startsWith("topology.") ||
        key.startsWith("node.kubernetes.io/") ||
        key.startsWith("beta.") ||
        key.startsWith("failure-domain."),
    );
    expect(Object.keys(node.metadata?.labels ?? {})).toEqual(expect.arrayContaining(standard));
    expect(node.status?.conditions?.map((condition) => condition.type)).toEqual(
      fixture.status.conditions.map((condition) => condition.type),
    );
    expect(node.status?.conditions?.find((condition) => condition.type === "Ready")?.status).toBe("True");
    expect(node.status?.addresses?.map((address) => address.type)).toEqual(
      expect.arrayContaining(["InternalIP", "InternalDNS", "Hostname"]),
    );
    expect(node.status?.allocatable?.pods).toBe("20");
    expect(node.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it("reports a self-managed cluster's kubelet without the EKS build suffix", () => {
    const { cluster } = bootCluster({ nodeGroups: oneNode, kind: "self-managed" });

    expect(cluster.nodes()[0]?.kubeletVersion).toBe("v1.30.4");
  });

  it("deletes the Node object when the instance is terminated", async () => {
    const { cluster, instances } = bootCluster({ nodeGroups: oneNode });
    api = await connect(cluster);
    const instance = instances[0]!;

    cluster.instanceShuttingDown(instance.instanceId);
    const shuttingDown = await api.core.readNode({ name: instance.privateDnsName });
    cluster.instanceTerminated(instance.instanceId);
    const nodes = await api.core.listNode();

    expect(shuttingDown.status?.conditions?.find((condition) => condition.type === "Ready")?.status).toBe("Unknown");
    expect(nodes.items).toHaveLength(0);
    expect(cluster.events().map((event) => event.reason)).toEqual(
      expect.arrayContaining(["NodeNotReady", "RemovingNode"]),
    );
  });
});
