import { describe, expect, it } from "vitest";
import { IdentityLookup, matchNode } from "../../../../src/core/events/react/identity";
import { fakeDeps, fakeWorld, group, instance, node } from "./react-fakes";

const A = "i-0aaaaaaaaaaaaaaaa";
const B = "i-0bbbbbbbbbbbbbbbb";

describe("instance → cluster", () => {
  it("reads Tugboat's tag on the instance, else EKS's", async () => {
    const world = fakeWorld({
      instances: [
        instance(A, { tags: { "tugboat:cluster": "prod-eu" } }),
        instance(B, { tags: { "eks:cluster-name": "prod-us" } }),
      ],
    });
    const lookup = new IdentityLookup(fakeDeps(world), { managedClusters: [] });
    expect(await lookup.resolve(A)).toMatchObject({
      managed: true,
      cluster: "prod-eu",
      clusterFrom: "instance tag tugboat:cluster",
    });
    expect(await lookup.resolve(B)).toMatchObject({
      managed: true,
      cluster: "prod-us",
      clusterFrom: "instance tag eks:cluster-name",
    });
  });

  it("falls back to the tags of the instance's Auto Scaling group, named by its tag or by the event", async () => {
    const world = fakeWorld({
      instances: [instance(A, { tags: { "aws:autoscaling:groupName": "workers" } })],
      groups: [
        group("workers", { tags: { "tugboat:cluster": "prod-eu" } }),
        group("hooked", { tags: { "eks:cluster-name": "prod-us" } }),
      ],
    });
    const lookup = new IdentityLookup(fakeDeps(world), { managedClusters: [] });
    expect(await lookup.resolve(A)).toMatchObject({
      managed: true,
      cluster: "prod-eu",
      groupName: "workers",
      clusterFrom: "tag tugboat:cluster of Auto Scaling group workers",
    });
    // A terminating instance EC2 no longer lists: the lifecycle event's group still says whose it is.
    expect(await lookup.resolve(B, { groupName: "hooked" })).toMatchObject({
      managed: true,
      cluster: "prod-us",
      instanceState: null,
    });
  });

  it("leaves alone instances with no cluster tag, unknown instances, and placeholders, saying why", async () => {
    const world = fakeWorld({
      instances: [instance(A, { tags: { "aws:autoscaling:groupName": "other" } })],
      groups: [group("other", { tags: { team: "data" } })],
    });
    const deps = fakeDeps(world);
    const lookup = new IdentityLookup(deps, { managedClusters: [] });
    expect(await lookup.resolve(A)).toEqual({
      managed: false,
      instanceId: A,
      reason: `neither ${A} nor its Auto Scaling group other carries a tugboat:cluster or eks:cluster-name tag`,
    });
    expect(await lookup.resolve(B)).toMatchObject({
      managed: false,
      reason: expect.stringContaining("is not an instance of this account"),
    });
    world.calls.length = 0;
    expect(await lookup.resolve("i-abcd1111x")).toMatchObject({
      managed: false,
      reason: expect.stringContaining("not a well-formed"),
    });
    expect(world.calls.filter((c) => c.startsWith("ec2:"))).toEqual([]);
  });

  it("ignores clusters outside the managed list, naming both", async () => {
    const world = fakeWorld({ instances: [instance(A, { tags: { "tugboat:cluster": "staging" } })] });
    const lookup = new IdentityLookup(fakeDeps(world), { managedClusters: ["prod-eu", "prod-us"] });
    expect(await lookup.resolve(A)).toMatchObject({
      managed: false,
      reason: `${A} belongs to cluster staging (instance tag tugboat:cluster), which this deployment does not manage (it manages prod-eu, prod-us)`,
    });
  });

  it("caches per lookup (one invocation), and a new lookup asks again", async () => {
    const world = fakeWorld({
      instances: [instance(A, { tags: { "tugboat:cluster": "c" } }), instance(B, { tags: { "tugboat:cluster": "c" } })],
      nodes: new Map([["c", [node("n-a", A), node("n-b", B)]]]),
    });
    const deps = fakeDeps(world);
    const lookup = new IdentityLookup(deps, { managedClusters: [] });
    await lookup.describe([A, B]);
    for (const id of [A, B, A]) {
      const identity = await lookup.resolve(id);
      if (identity.managed) await lookup.node(identity);
    }
    expect(world.calls.filter((c) => c.startsWith("ec2:"))).toEqual([`ec2:describeInstances ${A},${B}`]);
    expect(world.calls.filter((c) => c.startsWith("kube:listNodes"))).toHaveLength(1);
    const next = new IdentityLookup(deps, { managedClusters: [] });
    const again = await next.resolve(A);
    if (again.managed) await next.node(again);
    expect(world.calls.filter((c) => c.startsWith("kube:listNodes"))).toHaveLength(2);
  });
});

describe("instance → node", () => {
  it("finds the node by providerID even when its name is not the private DNS name", () => {
    const nodes = [node("ip-10-0-0-1.ec2.internal", B), node(`${A}.ec2.internal`, A)];
    expect(matchNode(nodes, A, "ip-10-0-0-1.ec2.internal")).toMatchObject({
      name: `${A}.ec2.internal`,
      matchedBy: "providerID",
    });
  });

  it("falls back to the private DNS name, as name or InternalDNS address, for nodes without a providerID", () => {
    expect(matchNode([node("ip-10-0-0-9.ec2.internal", undefined)], A, "ip-10-0-0-9.ec2.internal")).toMatchObject({
      name: "ip-10-0-0-9.ec2.internal",
      matchedBy: "private-dns-name",
    });
    expect(
      matchNode(
        [node("worker-7", undefined, { internalDnsName: "ip-10-0-0-9.ec2.internal" })],
        A,
        "ip-10-0-0-9.ec2.internal",
      ),
    ).toMatchObject({ name: "worker-7", matchedBy: "private-dns-name" });
  });

  it("never takes another instance's node by its DNS name, and finds nothing without either", () => {
    expect(matchNode([node("ip-10-0-0-9.ec2.internal", B)], A, "ip-10-0-0-9.ec2.internal")).toBeNull();
    expect(matchNode([node("ip-10-0-0-9.ec2.internal", undefined)], A, null)).toBeNull();
  });
});
