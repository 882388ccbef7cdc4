import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { SimulatedRegion } from "../../../../src/sandbox/aws/region";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";
import { FakeCluster, harness, scenario, simpleScenario } from "./fakes";

describe("building the region from a scenario", () => {
  it("tags groups as Tugboat and EKS expect, and tells the cluster side about every initial instance", async () => {
    const h = harness(simpleScenario({ clusterKind: "eks", kind: "eks-managed" }));
    const { AutoScalingGroups = [] } = await h.asg.send(new DescribeAutoScalingGroupsCommand({}));
    const tags = Object.fromEntries((AutoScalingGroups[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({
      "kubernetes.io/cluster/demo": "owned",
      "tugboat:cluster": "demo",
      "tugboat:nodegroup": "workers",
      "eks:cluster-name": "demo",
      "eks:nodegroup-name": "workers",
    });
    expect(h.cluster.launched).toHaveLength(6);
    expect(h.cluster.launched.every((i) => i.initial && !i.neverJoins && i.kubernetesMinor === "1.30")).toBe(true);
    expect(h.region.groupCounts("workers")).toEqual({ initial: 6, current: 6, maxAlive: 6 });
  });

  it("spreads the outdated nodes across zones, on launch template version 1 with the previous AMI", () => {
    const h = harness(simpleScenario({ outdated: 3 }));
    const members = h.region.snapshot().groups[0]?.members ?? [];
    const old = members.filter((m) => m.launchTemplateVersion === 1);
    expect(old.map((m) => m.availabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    const images = new Set(h.region.snapshot().instances.map((i) => i.imageId));
    expect(images.size).toBe(2);
  });

  it("names private DNS as EC2 does outside us-east-1", () => {
    const s = scenario({
      region: "eu-west-1",
      cluster: {
        name: "prod",
        kind: "self-managed",
        version: "1.31",
        nodeGroups: [{ name: "workers", kind: "self-managed-asg", zones: { "eu-west-1a": 1 } }],
      },
    });
    const h = harness(s);
    expect(h.region.snapshot().instances[0]?.privateDnsName).toMatch(/^ip-10-0-\d+-\d+\.eu-west-1\.compute\.internal$/);
  });

  it("refuses a scenario whose sizes cannot hold its nodes, or a managed group without EKS", () => {
    const clock = new VirtualClock();
    const cluster = new FakeCluster(clock);
    const build = (s: ReturnType<typeof scenario>) =>
      new SimulatedRegion({ scenario: s, clock, rng: new SeededRandom(1), listener: cluster, cluster });
    expect(() => build(simpleScenario({ maxSize: 4 }))).toThrow(/6 nodes do not fit minSize 0 and maxSize 4/);
    expect(() => build(simpleScenario({ kind: "eks-managed" }))).toThrow(/managed node groups need an EKS cluster/);
  });
});
