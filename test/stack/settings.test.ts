import { describe, expect, it } from "vitest";
import { readStackSettings } from "../../stacks/lib/settings";
import { isDevStage } from "../../stacks/lib/stage";

describe("readStackSettings", () => {
  it("reads nothing from an empty environment: any tagged cluster, no VPC", () => {
    expect(readStackSettings({})).toEqual({ clusters: [], eksAccessEntryClusters: [] });
  });

  it("reads the cluster list, trimming blanks and duplicates", () => {
    const settings = readStackSettings({ TUGBOAT_CLUSTERS: " prod-eu, prod-us,,prod-eu " });
    expect(settings.clusters).toEqual(["prod-eu", "prod-us"]);
  });

  it("refuses a cluster name that would widen an IAM resource or condition", () => {
    expect(() => readStackSettings({ TUGBOAT_CLUSTERS: "prod-*" })).toThrow(/TUGBOAT_CLUSTERS: "prod-\*"/);
    expect(() => readStackSettings({ TUGBOAT_CLUSTERS: "prod/eu" })).toThrow(/not an EKS-style cluster name/);
  });

  it("refuses access entries for a cluster the stage does not manage", () => {
    expect(() =>
      readStackSettings({ TUGBOAT_CLUSTERS: "prod-eu", TUGBOAT_EKS_ACCESS_ENTRIES: "prod-eu,staging" }),
    ).toThrow(/TUGBOAT_EKS_ACCESS_ENTRIES names staging/);
    expect(readStackSettings({ TUGBOAT_EKS_ACCESS_ENTRIES: "staging" }).eksAccessEntryClusters).toEqual(["staging"]);
  });

  it("reads a VPC with its private subnets", () => {
    const settings = readStackSettings({
      TUGBOAT_VPC_ID: "vpc-0123456789abcdef0",
      TUGBOAT_PRIVATE_SUBNET_IDS: "subnet-0123abcd,subnet-0123456789abcdef1",
    });
    expect(settings.vpc).toEqual({
      vpcId: "vpc-0123456789abcdef0",
      privateSubnetIds: ["subnet-0123abcd", "subnet-0123456789abcdef1"],
    });
  });

  it("refuses half a VPC setting or malformed ids", () => {
    expect(() => readStackSettings({ TUGBOAT_VPC_ID: "vpc-0123456789abcdef0" })).toThrow(
      /needs TUGBOAT_PRIVATE_SUBNET_IDS/,
    );
    expect(() => readStackSettings({ TUGBOAT_PRIVATE_SUBNET_IDS: "subnet-0123abcd" })).toThrow(/TUGBOAT_VPC_ID is not/);
    expect(() =>
      readStackSettings({ TUGBOAT_VPC_ID: "my-vpc", TUGBOAT_PRIVATE_SUBNET_IDS: "subnet-0123abcd" }),
    ).toThrow(/is not a VPC id/);
    expect(() =>
      readStackSettings({ TUGBOAT_VPC_ID: "vpc-0123abcd", TUGBOAT_PRIVATE_SUBNET_IDS: "subnet-xyz" }),
    ).toThrow(/"subnet-xyz" is not a subnet id/);
  });
});

describe("isDevStage", () => {
  it("treats sst dev and dev-named stages as disposable, everything else as kept", () => {
    expect(isDevStage({ stage: "dev", mode: "deploy" })).toBe(true);
    expect(isDevStage({ stage: "dev-alice", mode: "deploy" })).toBe(true);
    expect(isDevStage({ stage: "alice", mode: "dev" })).toBe(true);
    expect(isDevStage({ stage: "prod", mode: "deploy" })).toBe(false);
    expect(isDevStage({ stage: "develop", mode: "deploy" })).toBe(false);
    expect(isDevStage({ stage: "test", mode: "deploy" })).toBe(false);
  });
});
