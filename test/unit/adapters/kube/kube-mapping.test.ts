import { readFileSync } from "node:fs";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parseAwsProviderId, toKubeNode, toKubePdb, toKubePod } from "../../../../src/adapters/kube/kube-mapping";
import { publishedFixture } from "../../../support/published-fixtures";

const eksNode = JSON.parse(
  readFileSync(publishedFixture("kubernetes/k8s-node-eks-managed-nodegroup.json"), "utf8"),
) as V1Node;

describe("parseAwsProviderId", () => {
  it("reads zone and instance from the cloud provider's form", () => {
    expect(parseAwsProviderId("aws:///us-east-1a/i-02f3d2a816394602c")).toEqual({
      availabilityZone: "us-east-1a",
      instanceId: "i-02f3d2a816394602c",
    });
  });
  it("reads an instance without a zone, and nothing from other providers", () => {
    expect(parseAwsProviderId("aws:///i-0abc")).toEqual({ instanceId: "i-0abc" });
    expect(parseAwsProviderId("gce://project/zone/name")).toEqual({});
    expect(parseAwsProviderId("kind://docker/kind/kind-worker")).toEqual({});
    expect(parseAwsProviderId(undefined)).toEqual({});
  });
});

describe("toKubeNode", () => {
  it("maps a real EKS managed node group node", () => {
    const node = toKubeNode(eksNode);
    expect(node).toMatchObject({
      name: "ip-192-168-25-169.ec2.internal",
      providerId: "aws:///us-east-1a/i-02f3d2a816394602c",
      instanceId: "i-02f3d2a816394602c",
      availabilityZone: "us-east-1a",
      ready: true,
      unschedulable: false,
      kubeletVersion: "v1.27.3-eks-a5565ad",
      taints: [],
      internalDnsName: "ip-192-168-25-169.ec2.internal",
      createdAt: new Date("2023-07-28T17:08:48Z"),
    });
    expect(node.labels["eks.amazonaws.com/nodegroup"]).toBe("workers");
  });

  it("reads cordoning, taints and a NotReady condition", () => {
    const node = toKubeNode({
      metadata: { name: "n1" },
      spec: {
        unschedulable: true,
        taints: [
          { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: new Date(0) },
          { key: "dedicated", value: "gpu", effect: "NoExecute" },
        ],
      },
      status: { conditions: [{ type: "Ready", status: "Unknown" }] },
    });
    expect(node.ready).toBe(false);
    expect(node.unschedulable).toBe(true);
    expect(node.taints).toEqual([
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
      { key: "dedicated", value: "gpu", effect: "NoExecute" },
    ]);
    expect(node.instanceId).toBeUndefined();
  });
});

describe("toKubePod", () => {
  const base: V1Pod = {
    metadata: { namespace: "shop", name: "web-1", labels: { app: "web" }, creationTimestamp: new Date(0) },
    spec: { nodeName: "n1", containers: [] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };

  it("takes the owner from the controller reference", () => {
    const pod = toKubePod({
      ...base,
      metadata: {
        ...base.metadata,
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "1" },
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d8f", uid: "2", controller: true },
        ],
      },
    });
    expect(pod).toMatchObject({ ownerKind: "ReplicaSet", ownerName: "web-5d8f", ready: true, nodeName: "n1" });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.mirror).toBe(false);
    expect(pod.deleting).toBe(false);
  });

  it("recognises mirror pods, terminating pods, unknown and missing owners", () => {
    const mirror = toKubePod({
      ...base,
      metadata: {
        ...base.metadata,
        annotations: { "kubernetes.io/config.mirror": "abc123" },
        ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "3", controller: true }],
        deletionTimestamp: new Date(5),
      },
      spec: { ...base.spec, containers: [], terminationGracePeriodSeconds: 0 },
    });
    expect(mirror).toMatchObject({ mirror: true, ownerKind: "Node", deleting: true, terminationGracePeriodSeconds: 0 });
    const custom = toKubePod({
      ...base,
      metadata: { ...base.metadata, ownerReferences: [{ apiVersion: "x/v1", kind: "Rollout", name: "r", uid: "4" }] },
    });
    expect(custom.ownerKind).toBe("Other");
    expect(toKubePod(base).ownerKind).toBe("None");
  });
});

describe("toKubePdb", () => {
  it("maps spec and status", () => {
    expect(
      toKubePdb({
        metadata: { namespace: "shop", name: "web-pdb" },
        spec: { minAvailable: "50%", selector: { matchLabels: { app: "web" } } },
        status: { currentHealthy: 3, desiredHealthy: 2, expectedPods: 4, disruptionsAllowed: 1 },
      }),
    ).toEqual({
      namespace: "shop",
      name: "web-pdb",
      matchLabels: { app: "web" },
      minAvailable: "50%",
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 4,
      disruptionsAllowed: 1,
    });
  });
});
