import { describe, expect, it } from "vitest";
import { ArcZonalShiftAdapter } from "../../../../src/adapters/aws/zonal-shifts";
import { toKubeZonalVolume } from "../../../../src/adapters/kube/kube-mapping";
import { shiftsFor } from "../../../../src/core/rebalance/checks";
import { zoneInCapacityMessage } from "../../../../src/core/rebalance/start";

describe("zonal shifts", () => {
  it("reads every page of active shifts and keeps those on the cluster or its groups", async () => {
    const pages = [
      {
        items: [
          { resourceIdentifier: "arn:aws:eks:us-east-1:1:cluster/orders", awayFrom: "use1-az2", status: "ACTIVE" },
          { resourceIdentifier: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/y", awayFrom: "use1-az1" },
        ],
        nextToken: "t1",
      },
      {
        items: [
          {
            resourceIdentifier:
              "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:uuid:autoScalingGroupName/orders-workers",
            awayFrom: "use1-az3",
            expiryTime: "2026-01-01T03:00:00Z",
          },
        ],
      },
    ];
    const tokens: (string | undefined)[] = [];
    const adapter = new ArcZonalShiftAdapter(async (input) => {
      tokens.push(input.nextToken);
      return pages[tokens.length - 1] ?? {};
    });
    const shifts = await adapter.listActiveZonalShifts();
    expect(tokens).toEqual([undefined, "t1"]);
    expect(shifts).toHaveLength(3);
    const mine = shiftsFor(shifts, "orders", ["orders-workers"]);
    expect(mine.map((s) => s.awayFrom)).toEqual(["use1-az2", "use1-az3"]);
    expect(shiftsFor(shifts, "billing", ["billing-workers"])).toEqual([]);
  });
});

describe("capacity failures", () => {
  it("finds the zone in EC2's InsufficientInstanceCapacity wording", () => {
    expect(
      zoneInCapacityMessage(
        "We currently do not have sufficient m6i.xlarge capacity in the Availability Zone you requested (us-east-1c). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.",
      ),
    ).toBe("us-east-1c");
    expect(zoneInCapacityMessage("The image id '[ami-1]' does not exist.")).toBeUndefined();
  });
});

describe("zonal PersistentVolumes", () => {
  const volume = (values: string[], key = "topology.kubernetes.io/zone") => ({
    metadata: { name: "pvc-1" },
    spec: {
      claimRef: { namespace: "data", name: "data-postgres-0" },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values }] }] } },
    },
  });

  it("reads the zone a volume is pinned to and the claim bound to it (either zone key)", () => {
    expect(toKubeZonalVolume(volume(["us-east-1a"]))).toEqual({
      name: "pvc-1",
      zone: "us-east-1a",
      claim: "data/data-postgres-0",
    });
    expect(toKubeZonalVolume(volume(["us-east-1b"], "topology.ebs.csi.aws.com/zone"))?.zone).toBe("us-east-1b");
  });

  it("leaves out volumes that are not pinned to exactly one zone", () => {
    expect(toKubeZonalVolume(volume(["us-east-1a", "us-east-1b"]))).toBeUndefined();
    expect(toKubeZonalVolume({ metadata: { name: "nfs" }, spec: {} })).toBeUndefined();
  });
});
