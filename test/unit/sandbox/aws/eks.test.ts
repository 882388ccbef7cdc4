import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  ListNodegroupsCommand,
  UpdateClusterVersionCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { type Harness, harness, rejection, simpleScenario } from "./fakes";

const NODEGROUP = { clusterName: "demo", nodegroupName: "workers" };

function managed() {
  const h = harness(simpleScenario({ clusterKind: "eks", kind: "eks-managed", outdated: "all" }));
  // Two pods on every node, so that each drain has work to do.
  for (const node of h.cluster.nodes.values()) {
    h.cluster.addPod("default", `${node.name}-a`, node.name);
    h.cluster.addPod("default", `${node.name}-b`, node.name);
  }
  return h;
}

/** Advances the clock a minute at a time until the update leaves InProgress (at most `hours`). */
async function runUpdate(h: Harness, updateId: string, hours = 4) {
  for (let minute = 0; minute < hours * 60; minute++) {
    const { update } = await h.eks.send(
      new DescribeUpdateCommand({ name: "demo", nodegroupName: "workers", updateId }),
    );
    if (update?.status !== "InProgress") return update;
    h.clock.advanceBy(60);
  }
  throw new Error(`update ${updateId} still in progress after ${hours} hours`);
}

describe("EKS clusters and managed node groups", () => {
  it("describes the cluster with the endpoint the runner set, and the node group with its Auto Scaling group", async () => {
    const h = managed();
    h.region.setKubeEndpoint("http://127.0.0.1:41234", "Q0EtREFUQQ==");
    const { cluster } = await h.eks.send(new DescribeClusterCommand({ name: "demo" }));
    expect(cluster).toMatchObject({
      name: "demo",
      version: "1.30",
      status: "ACTIVE",
      endpoint: "http://127.0.0.1:41234",
      certificateAuthority: { data: "Q0EtREFUQQ==" },
      arn: "arn:aws:eks:us-east-1:123456789012:cluster/demo",
    });
    const { nodegroups } = await h.eks.send(new ListNodegroupsCommand({ clusterName: "demo" }));
    expect(nodegroups).toEqual(["workers"]);
    const { nodegroup } = await h.eks.send(new DescribeNodegroupCommand(NODEGROUP));
    expect(nodegroup).toMatchObject({
      status: "ACTIVE",
      version: "1.30",
      releaseVersion: "1.30.7-20251120",
      scalingConfig: { minSize: 0, maxSize: 6, desiredSize: 6 },
      updateConfig: { maxUnavailable: 1 },
      resources: { autoScalingGroups: [{ name: "demo-workers" }] },
      launchTemplate: { name: "demo-workers", version: "1" },
    });
    const err = await rejection(
      h.eks.send(new DescribeNodegroupCommand({ clusterName: "demo", nodegroupName: "nope" })),
    );
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.message).toBe("No node group found for name: nope.");
    const labels = h.cluster.launched[0]?.labels;
    expect(labels).toMatchObject({
      "eks.amazonaws.com/nodegroup": "workers",
      "eks.amazonaws.com/capacityType": "ON_DEMAND",
    });
  });

  it("runs a version update to Successful: surge, cordon, drain, replace, scale back", async () => {
    const h = managed();
    const oldInstances = new Set(h.region.snapshot().groups[0]?.members.map((m) => m.instanceId));
    const oldNodes = [...h.cluster.nodes.keys()];
    const { update } = await h.eks.send(new UpdateNodegroupVersionCommand(NODEGROUP));
    expect(update).toMatchObject({ status: "InProgress", type: "VersionUpdate" });
    expect(update?.params).toContainEqual({ type: "ReleaseVersion", value: "1.30.8-20251210" });

    const second = await rejection(h.eks.send(new UpdateNodegroupVersionCommand(NODEGROUP)));
    expect(second.name).toBe("ResourceInUseException");
    const during = await h.eks.send(new DescribeNodegroupCommand(NODEGROUP));
    expect(during.nodegroup?.status).toBe("UPDATING");

    const done = await runUpdate(h, update?.id as string);
    expect(done?.status).toBe("Successful");
    expect(done?.errors).toEqual([]);

    // Version 2 already held the current AMI (the scenario's outdated group); EKS made version 3.
    const group = h.region.snapshot().groups[0];
    expect(group?.members).toHaveLength(6);
    expect(group?.members.every((m) => !oldInstances.has(m.instanceId) && m.launchTemplateVersion === 3)).toBe(true);
    const { AutoScalingGroups = [] } = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["demo-workers"] }),
    );
    expect(AutoScalingGroups[0]).toMatchObject({ MinSize: 0, MaxSize: 6, DesiredCapacity: 6 });
    // Scale-up raised max and desired by twice the number of zones.
    expect(h.region.groupCounts("workers").maxAlive).toBe(12);
    // Every old node was cordoned and emptied before its instance went.
    for (const node of oldNodes) expect(h.cluster.cordoned).toContain(node);
    expect([...h.cluster.pods.values()].filter((p) => oldNodes.includes(p.node))).toEqual([]);
    const { nodegroup } = await h.eks.send(new DescribeNodegroupCommand(NODEGROUP));
    expect(nodegroup).toMatchObject({
      status: "ACTIVE",
      releaseVersion: "1.30.8-20251210",
      launchTemplate: { version: "3" },
    });
  });

  it("fails with PodEvictionFailure when pods cannot be evicted within 15 minutes", async () => {
    const h = managed();
    h.cluster.refuseEvictions = true;
    const { update } = await h.eks.send(new UpdateNodegroupVersionCommand(NODEGROUP));
    const done = await runUpdate(h, update?.id as string);
    expect(done?.status).toBe("Failed");
    expect(done?.errors).toHaveLength(1);
    const [error] = done?.errors ?? [];
    expect(error?.errorCode).toBe("PodEvictionFailure");
    expect(error?.errorMessage).toBe("Reached max retries while trying to evict pods from nodes in node group workers");
    const stuckNode = error?.resourceIds?.[0] as string;
    expect(h.cluster.nodes.get(stuckNode)?.unschedulable).toBe(true);
    expect(h.cluster.evictionAttempts).toBeGreaterThan(100);
    // The node it could not drain is still there: nothing was terminated under its pods.
    expect(h.cluster.terminated).toEqual([]);
    const { nodegroup } = await h.eks.send(new DescribeNodegroupCommand(NODEGROUP));
    expect(nodegroup?.status).toBe("ACTIVE");
    expect(nodegroup?.releaseVersion).toBe("1.30.7-20251120");
  });

  it("with force, deletes the pods it cannot evict and completes", async () => {
    const h = managed();
    h.cluster.refuseEvictions = true;
    const { update } = await h.eks.send(new UpdateNodegroupVersionCommand({ ...NODEGROUP, force: true }));
    const done = await runUpdate(h, update?.id as string, 8);
    expect(done?.status).toBe("Successful");
  });

  it("applies a config update after a short delay", async () => {
    const h = managed();
    const { update } = await h.eks.send(
      new UpdateNodegroupConfigCommand({ ...NODEGROUP, scalingConfig: { minSize: 1, maxSize: 9, desiredSize: 8 } }),
    );
    expect(update?.type).toBe("ConfigUpdate");
    const done = await runUpdate(h, update?.id as string);
    expect(done?.status).toBe("Successful");
    const { AutoScalingGroups = [] } = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["demo-workers"] }),
    );
    expect(AutoScalingGroups[0]).toMatchObject({ MinSize: 1, MaxSize: 9, DesiredCapacity: 8 });
    const bad = await rejection(
      h.eks.send(
        new UpdateNodegroupConfigCommand({ ...NODEGROUP, scalingConfig: { minSize: 5, maxSize: 9, desiredSize: 2 } }),
      ),
    );
    expect(bad.name).toBe("InvalidParameterException");
  });

  it("updates the control plane one minor at a time", async () => {
    const h = managed();
    const skip = await rejection(h.eks.send(new UpdateClusterVersionCommand({ name: "demo", version: "1.32" })));
    expect(skip.name).toBe("InvalidParameterException");
    const { update } = await h.eks.send(new UpdateClusterVersionCommand({ name: "demo", version: "1.31" }));
    h.clock.advanceBy(599);
    expect((await h.eks.send(new DescribeClusterCommand({ name: "demo" }))).cluster?.status).toBe("UPDATING");
    h.clock.advanceBy(1);
    const { cluster } = await h.eks.send(new DescribeClusterCommand({ name: "demo" }));
    expect(cluster).toMatchObject({ status: "ACTIVE", version: "1.31" });
    const described = await h.eks.send(new DescribeUpdateCommand({ name: "demo", updateId: update?.id }));
    expect(described.update?.status).toBe("Successful");
    const missing = await rejection(h.eks.send(new DescribeUpdateCommand({ name: "demo", updateId: "nope" })));
    expect(missing.message).toBe("No update found for ID: nope");
  });
});
