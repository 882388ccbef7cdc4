import { describe, expect, it } from "vitest";
import type { Ec2Instance } from "../../../../src/core/model/aws";
import type { Deps } from "../../../../src/core/ports";
import { instanceFacts } from "../../../../src/core/roll/instance-facts";

function fakeEc2(instances: Record<string, Partial<Ec2Instance>>) {
  const asked: string[][] = [];
  const ec2 = {
    async describeInstances(ids: string[]): Promise<Ec2Instance[]> {
      asked.push([...ids]);
      return ids.flatMap((id) => {
        const known = instances[id];
        return known ? [{ instanceId: id, imageId: "", privateDnsName: "", ...known } as Ec2Instance] : [];
      });
    },
  } as unknown as Deps["ec2"];
  return { ec2, asked };
}

describe("instanceFacts", () => {
  it("describes only the instances it has not seen, and keeps what never changes", async () => {
    const { ec2, asked } = fakeEc2({
      "i-1": { imageId: "ami-1", privateDnsName: "ip-10-0-0-1.ec2.internal" },
      "i-2": { imageId: "ami-1", privateDnsName: "ip-10-0-0-2.ec2.internal" },
    });
    const first = await instanceFacts(ec2, ["i-1", "i-2"]);
    expect(first.get("i-2")).toEqual({ imageId: "ami-1", privateDnsName: "ip-10-0-0-2.ec2.internal" });
    const again = await instanceFacts(ec2, ["i-2", "i-1", "i-3"]);
    expect(asked).toEqual([["i-1", "i-2"], ["i-3"]]);
    expect([...again.keys()]).toEqual(["i-2", "i-1"]);
  });

  it("asks again about an instance whose DNS name EC2 had not given yet", async () => {
    const instances: Record<string, Partial<Ec2Instance>> = { "i-9": { imageId: "ami-2", privateDnsName: "" } };
    const { ec2, asked } = fakeEc2(instances);
    expect((await instanceFacts(ec2, ["i-9"])).has("i-9")).toBe(false);
    instances["i-9"] = { imageId: "ami-2", privateDnsName: "ip-10-0-0-9.ec2.internal" };
    expect((await instanceFacts(ec2, ["i-9"])).get("i-9")?.privateDnsName).toBe("ip-10-0-0-9.ec2.internal");
    expect(asked).toEqual([["i-9"], ["i-9"]]);
  });
});
