import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario } from "./fakes";

describe("throttling fault", () => {
  it("at a 0.2 rate every call still succeeds through the SDK's own retries, and every attempt is counted", async () => {
    const h = harness(simpleScenario({ faults: [{ kind: "throttle", rate: 0.2, service: "autoscaling" }] }));
    const attempts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const out = await h.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["demo-workers"] }));
      expect(out.AutoScalingGroups).toHaveLength(1);
      attempts.push(out.$metadata.attempts ?? 1);
    }
    const calls = h.region.apiCalls();
    expect(calls.throttled).toBeGreaterThan(10);
    expect(calls.total).toBe(200 + calls.throttled);
    expect(calls.byCommand["autoscaling:DescribeAutoScalingGroups"]).toBe(calls.total);
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(calls.total);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
  });

  it("answers with each service's own throttling error once retries run out", async () => {
    const h = harness(simpleScenario({ faults: [{ kind: "throttle", rate: 1, service: "any" }] }));
    const asgErr = await rejection(h.asg.send(new DescribeAutoScalingGroupsCommand({})));
    expect(asgErr.name).toBe("Throttling");
    expect(asgErr.message).toBe("Rate exceeded");
    expect(asgErr.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 5 });

    const ec2Err = await rejection(h.ec2.send(new DescribeInstancesCommand({})));
    expect(ec2Err.name).toBe("RequestLimitExceeded");
    expect(ec2Err.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 5 });
  });

  it("throttles only the service the fault names", async () => {
    const h = harness(
      simpleScenario({
        clusterKind: "eks",
        kind: "eks-managed",
        faults: [{ kind: "throttle", rate: 1, service: "eks" }],
      }),
    );
    const err = await rejection(h.eks.send(new DescribeClusterCommand({ name: "demo" })));
    expect(err.name).toBe("ThrottlingException");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 429 });
    const out = await h.asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(out.$metadata.attempts).toBe(1);
  });
});
