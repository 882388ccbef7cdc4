import { SetDesiredCapacityCommand, TerminateInstanceInAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { harness, simpleScenario } from "./fakes";

/** The same script of calls and clock moves; returns what the region made of it. */
async function script(seed: number, throttleRate = 0) {
  const faults = throttleRate > 0 ? [{ kind: "throttle", rate: throttleRate, service: "autoscaling" }] : [];
  const h = harness(simpleScenario({ maxSize: 10, faults, seed }), seed);
  await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 9 }));
  h.clock.advanceBy(200);
  const victim = h.region.snapshot().groups[0]?.members[3]?.instanceId;
  await h.asg.send(
    new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: false }),
  );
  await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 5 }));
  h.clock.advanceBy(600);
  const snapshot = h.region.snapshot();
  return {
    instances: snapshot.instances.map((i) => [i.instanceId, i.availabilityZone, i.state, i.privateDnsName]),
    members: snapshot.groups[0]?.members.map((m) => m.instanceId),
  };
}

describe("determinism", () => {
  it("the same seed gives the same instance ids, placements and terminations", async () => {
    const first = await script(42);
    const second = await script(42);
    expect(second).toEqual(first);
    expect(first.members).toHaveLength(5);
  });

  it("a different seed gives different ids", async () => {
    const a = await script(42);
    const b = await script(43);
    expect(b.instances.map((i) => i[0])).not.toEqual(a.instances.map((i) => i[0]));
  });

  it("throttling draws from its own stream: instance ids do not depend on how many calls were throttled", async () => {
    const calm = await script(42);
    const throttled = await script(42, 0.3);
    expect(throttled.instances.map((i) => i[0])).toEqual(calm.instances.map((i) => i[0]));
  });
});
