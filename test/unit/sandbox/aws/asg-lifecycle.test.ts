import {
  CompleteLifecycleActionCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario } from "./fakes";

const GROUP = "demo-workers";

function member(h: ReturnType<typeof harness>, instanceId: string | undefined) {
  return h.region.snapshot().groups[0]?.members.find((m) => m.instanceId === instanceId);
}

function newestMember(h: ReturnType<typeof harness>) {
  const initial = new Set(
    h.region
      .snapshot()
      .instances.filter((i) => i.initial)
      .map((i) => i.instanceId),
  );
  return h.region.snapshot().groups[0]?.members.find((m) => !initial.has(m.instanceId));
}

async function putHook(
  h: ReturnType<typeof harness>,
  transition: "autoscaling:EC2_INSTANCE_LAUNCHING" | "autoscaling:EC2_INSTANCE_TERMINATING",
  heartbeat: number,
  defaultResult: "CONTINUE" | "ABANDON",
) {
  await h.asg.send(
    new PutLifecycleHookCommand({
      AutoScalingGroupName: GROUP,
      LifecycleHookName: transition.endsWith("LAUNCHING") ? "bootstrap" : "drain",
      LifecycleTransition: transition,
      HeartbeatTimeout: heartbeat,
      DefaultResult: defaultResult,
      NotificationMetadata: "tugboat",
    }),
  );
}

describe("launch lifecycle hooks", () => {
  it("holds a new instance in Pending:Wait; heartbeats extend the wait; CONTINUE puts it in service", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    await putHook(h, "autoscaling:EC2_INSTANCE_LAUNCHING", 300, "ABANDON");
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    h.clock.advanceBy(5);
    const fresh = newestMember(h);
    expect(fresh?.lifecycleState).toBe("Pending:Wait");
    const event = h.region.events().find((e) => e["detail-type"] === "EC2 Instance-launch Lifecycle Action");
    expect(event?.detail).toMatchObject({
      AutoScalingGroupName: GROUP,
      LifecycleHookName: "bootstrap",
      EC2InstanceId: fresh?.instanceId,
      LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      NotificationMetadata: "tugboat",
    });

    h.clock.advanceBy(250);
    await h.asg.send(
      new RecordLifecycleActionHeartbeatCommand({
        AutoScalingGroupName: GROUP,
        LifecycleHookName: "bootstrap",
        InstanceId: fresh?.instanceId,
      }),
    );
    h.clock.advanceBy(200); // 450 s after launch: past the first timeout, within the renewed one
    expect(member(h, fresh?.instanceId)?.lifecycleState).toBe("Pending:Wait");

    await h.asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: GROUP,
        LifecycleHookName: "bootstrap",
        LifecycleActionToken: event?.detail.LifecycleActionToken as string,
        LifecycleActionResult: "CONTINUE",
      }),
    );
    expect(member(h, fresh?.instanceId)?.lifecycleState).toBe("InService");
  });

  it("applies the default result ABANDON when the heartbeat timeout passes: the instance goes and is replaced", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    await putHook(h, "autoscaling:EC2_INSTANCE_LAUNCHING", 300, "ABANDON");
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    h.clock.advanceBy(5);
    const first = newestMember(h)?.instanceId;
    h.clock.advanceBy(300);
    expect(member(h, first)?.lifecycleState).toMatch(/^Terminating/);
    h.clock.advanceBy(60);
    expect(member(h, first)).toBeUndefined();
    const replacement = newestMember(h);
    expect(replacement?.instanceId).not.toBe(first);
    expect(replacement?.lifecycleState).toBe("Pending:Wait");
    const { Activities = [] } = await h.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }));
    const launch = Activities.find((a) => a.Description === `Launching a new EC2 instance: ${first}`);
    expect(launch?.StatusCode).toBe("Cancelled");
  });

  it("stops honouring heartbeats after 100 × the heartbeat timeout", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    await putHook(h, "autoscaling:EC2_INSTANCE_LAUNCHING", 30, "ABANDON");
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    h.clock.advanceBy(5);
    const fresh = newestMember(h)?.instanceId;
    // A heartbeat every 20 s, the last at 2980 s: uncapped, the wait would last until 3010 s.
    for (let elapsed = 0; elapsed <= 2980; elapsed += 20) {
      if (elapsed > 0) h.clock.advanceBy(20);
      await h.asg.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: GROUP,
          LifecycleHookName: "bootstrap",
          InstanceId: fresh,
        }),
      );
    }
    h.clock.advanceBy(19);
    expect(member(h, fresh)?.lifecycleState).toBe("Pending:Wait");
    h.clock.advanceBy(1); // 3000 s = 100 × 30 s: the global timeout
    expect(member(h, fresh)?.lifecycleState).toMatch(/^Terminating/);
  });

  it("answers a heartbeat or completion for no active action with the service's ValidationError", async () => {
    const h = harness(simpleScenario({}));
    await putHook(h, "autoscaling:EC2_INSTANCE_LAUNCHING", 300, "CONTINUE");
    const instanceId = h.region.snapshot().groups[0]?.members[0]?.instanceId;
    const err = await rejection(
      h.asg.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: GROUP,
          LifecycleHookName: "bootstrap",
          InstanceId: instanceId,
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe(`No active Lifecycle Action found with instance ID ${instanceId}`);
    const byToken = await rejection(
      h.asg.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: GROUP,
          LifecycleHookName: "bootstrap",
          LifecycleActionToken: "not-a-token",
          LifecycleActionResult: "CONTINUE",
        }),
      ),
    );
    expect(byToken.message).toBe("No active Lifecycle Action found with token not-a-token");
  });
});

describe("terminate lifecycle hooks", () => {
  it("keeps the instance running in Terminating:Wait until the hook completes", async () => {
    const h = harness(simpleScenario({}));
    await putHook(h, "autoscaling:EC2_INSTANCE_TERMINATING", 600, "CONTINUE");
    const victim = h.region.snapshot().groups[0]?.members[0]?.instanceId;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }),
    );
    h.clock.advanceBy(120);
    expect(member(h, victim)?.lifecycleState).toBe("Terminating:Wait");
    expect(h.region.snapshot().instances.find((i) => i.instanceId === victim)?.state).toBe("running");
    expect(h.cluster.shutDown).toEqual([]);

    await h.asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: GROUP,
        LifecycleHookName: "drain",
        InstanceId: victim,
        LifecycleActionResult: "ABANDON",
      }),
    );
    expect(h.cluster.shutDown).toEqual([victim]);
    h.clock.advanceBy(60);
    expect(h.cluster.terminated).toEqual([victim]);
    expect(member(h, victim)).toBeUndefined();
  });

  it("proceeds on its own when the heartbeat timeout passes", async () => {
    const h = harness(simpleScenario({}));
    await putHook(h, "autoscaling:EC2_INSTANCE_TERMINATING", 60, "ABANDON");
    const victim = h.region.snapshot().groups[0]?.members[0]?.instanceId;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: false }),
    );
    h.clock.advanceBy(59);
    expect(h.cluster.shutDown).toEqual([]);
    h.clock.advanceBy(1);
    expect(h.cluster.shutDown).toEqual([victim]);
  });
});

describe("hook definitions", () => {
  it("describes hooks with their global timeout and refuses a heartbeat timeout out of range", async () => {
    const h = harness(simpleScenario({}));
    await putHook(h, "autoscaling:EC2_INSTANCE_TERMINATING", 600, "CONTINUE");
    const { LifecycleHooks = [] } = await h.asg.send(
      new DescribeLifecycleHooksCommand({ AutoScalingGroupName: GROUP }),
    );
    expect(LifecycleHooks).toEqual([
      expect.objectContaining({
        LifecycleHookName: "drain",
        HeartbeatTimeout: 600,
        GlobalTimeout: 60000,
        DefaultResult: "CONTINUE",
      }),
    ]);
    const err = await rejection(
      h.asg.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: GROUP,
          LifecycleHookName: "x",
          LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          HeartbeatTimeout: 10,
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
  });
});
