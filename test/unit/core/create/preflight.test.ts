import { describe, expect, it } from "vitest";
import { preflightSpec, repickSubnets, type SubnetFacts } from "../../../../src/core/create/preflight";
import { parseClusterSpec } from "../../../../src/core/create/spec";

const subnets: SubnetFacts[] = [
  { subnetId: "subnet-a", zone: "eu-west-1a", cidr: "10.0.0.0/19", vpcId: "vpc-1", freeIps: 8000 },
  { subnetId: "subnet-b", zone: "eu-west-1b", cidr: "10.0.32.0/19", vpcId: "vpc-1", freeIps: 8000 },
  { subnetId: "subnet-c", zone: "eu-west-1c", cidr: "10.0.64.0/19", vpcId: "vpc-1", freeIps: 8000 },
];
const versions = ["1.32", "1.33", "1.34"];

// biome-ignore lint/suspicious/noExplicitAny: specs are the raw JSON a user writes.
function spec(change: (raw: any) => void = () => {}) {
  const raw = {
    name: "prod-eu",
    kind: "eks",
    version: "1.33",
    region: "eu-west-1",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    nodeGroups: [{ name: "system", kind: "eks-managed", instanceType: "m6i.large", zones: { "eu-west-1a": 3 } }],
  };
  change(raw);
  return raw;
}

describe("the cluster spec", () => {
  it("refuses an even number of control-plane nodes, naming the field", () => {
    expect(() =>
      parseClusterSpec(
        spec((raw) => {
          raw.kind = "self-managed";
          raw.nodeGroups = [];
          raw.controlPlane = { nodes: 4 };
        }),
      ),
    ).toThrow("controlPlane.nodes: an odd number (1, 3 or 5) for etcd quorum, got 4");
  });

  it("refuses unknown fields, perZone on a managed group and controlPlane on EKS", () => {
    expect(() => parseClusterSpec(spec((raw) => (raw.color = "blue")))).toThrow(/color/);
    expect(() => parseClusterSpec(spec((raw) => (raw.nodeGroups[0].perZone = true)))).toThrow(
      "nodeGroups[0].perZone: only for self-managed-asg groups",
    );
    expect(() => parseClusterSpec(spec((raw) => (raw.controlPlane = { nodes: 3 })))).toThrow(
      "controlPlane: only for kind self-managed",
    );
  });
});

describe("preflight against the account", () => {
  it("accepts a spec the account can hold", () => {
    expect(preflightSpec(parseClusterSpec(spec()), { subnets, versions })).toEqual([]);
  });

  it("refuses subnets in one zone", () => {
    const refusals = preflightSpec(parseClusterSpec(spec((raw) => (raw.subnetIds = ["subnet-a"]))), {
      subnets,
      versions,
    });
    expect(refusals).toContainEqual({
      field: "subnetIds",
      message: "subnets in at least two Availability Zones (EKS requires it), all are in eu-west-1a",
    });
  });

  it("refuses an unknown version, a zone without a subnet, a missing subnet and too few addresses", () => {
    const refusals = preflightSpec(
      parseClusterSpec(
        spec((raw) => {
          raw.version = "1.19";
          raw.subnetIds = ["subnet-a", "subnet-b", "subnet-x"];
          raw.nodeGroups[0].zones = { "eu-west-1c": 1, "eu-west-1a": 500 };
        }),
      ),
      { subnets, versions },
    ).map((r) => r.field);
    expect(refusals).toEqual(["version", "subnetIds[2]", "nodeGroups[0].zones.eu-west-1c", "subnetIds"]);
  });

  it("re-picks subnets when two zones remain, and names the valid zones when not", () => {
    const parsed = parseClusterSpec(spec());
    expect(repickSubnets(parsed, subnets, ["eu-west-1a", "eu-west-1b"])).toEqual({
      subnetIds: ["subnet-a", "subnet-b"],
    });
    const refused = repickSubnets(parsed, subnets, ["eu-west-1a", "eu-west-1d"]);
    expect(refused).toEqual({
      refusal: {
        field: "subnetIds",
        message:
          "EKS cannot place a control plane in eu-west-1b, eu-west-1c; choose subnets in at least two of eu-west-1a, eu-west-1d",
      },
    });
  });
});
