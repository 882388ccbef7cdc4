import { describe, expect, it } from "vitest";
import { actionForEvent } from "../../../../src/core/events/action";
import { parseClusterEvent } from "../../../../src/core/events/parse";
import { healthEvent, lifecycleAction, spotWarning, stateChange } from "./event-builders";

const decide = (raw: unknown, now?: Date) => actionForEvent(parseClusterEvent(raw), now ? { now } : {});

describe("Spot interruption warning", () => {
  it("drains within the two minutes that follow the event time", () => {
    const decision = decide(spotWarning("terminate", { time: "2021-06-05T10:00:00Z" }));
    expect(decision).toMatchObject({ action: "drain", instanceIds: ["i-0aaa"] });
    expect(decision.deadline?.toISOString()).toBe("2021-06-05T10:02:00.000Z");
    expect(decision.reason).toBe("Spot interruption warning (terminate) gives two minutes");
  });

  it.each([
    ["stop", "stopped, not terminated"],
    ["hibernate", "hibernated, not terminated"],
  ])("says that a %s interruption only takes the node away for a while", (instanceAction, words) => {
    expect(decide(spotWarning(instanceAction)).reason).toContain(words);
  });

  it("has no deadline when the time is a placeholder, and says why", () => {
    const decision = decide(spotWarning("terminate", { time: "yyyy-mm-ddThh:mm:ssZ" }));
    expect(decision.action).toBe("drain");
    expect(decision.deadline).toBeNull();
    expect(decision.reason).toContain('the event time "yyyy-mm-ddThh:mm:ssZ" is not a timestamp');
  });

  it("says when the deadline has already passed at `now`", () => {
    const raw = spotWarning("terminate", { time: "2021-06-05T10:00:00Z" });
    expect(decide(raw, new Date("2021-06-05T10:05:00Z")).reason).toContain("passed at 2021-06-05T10:02:00Z");
    expect(decide(raw, new Date("2021-06-05T10:01:00Z")).reason).not.toContain("passed");
    expect(decide(raw, new Date(Number.NaN)).reason).not.toContain("passed");
  });
});

describe("EC2 instance state change", () => {
  it.each([
    ["stopping", "drain", "2024-05-01T12:00:00.000Z"],
    ["shutting-down", "drain", "2024-05-01T12:00:00.000Z"],
    ["stopped", "cleanup", null],
    ["terminated", "cleanup", null],
    ["pending", "ignore", null],
    ["running", "ignore", null],
    ["rebooting", "ignore", null],
  ])("%s → %s", (state, action, deadline) => {
    const decision = decide(stateChange(state));
    expect(decision.action).toBe(action);
    expect(decision.instanceIds).toEqual(["i-0bbb"]);
    expect(decision.deadline?.toISOString() ?? null).toBe(deadline);
    expect(decision.reason).toContain(state === "shutting-down" ? "shutting down" : state);
  });

  it("drains a stopping instance at once even when the time is a placeholder", () => {
    const decision = decide(stateChange("stopping", { time: "yyyy-mm-ddThh:mm:ssZ" }));
    expect(decision).toMatchObject({ action: "drain", deadline: null });
    expect(decision.reason).toContain("is not a timestamp");
  });
});

describe("Auto Scaling lifecycle actions", () => {
  it("waits for a launched node to be Ready, with ABANDON for one that never joins", () => {
    const decision = decide(lifecycleAction("LAUNCHING", { Origin: "EC2", Destination: "AutoScalingGroup" }));
    expect(decision.action).toBe("await-ready-and-complete-lifecycle");
    expect(decision.lifecycle).toMatchObject({
      groupName: "workers-a",
      hookName: "tugboat-hook",
      instanceId: "i-0ccc",
      result: "CONTINUE",
      resultIfNeverReady: "ABANDON",
    });
  });

  it("completes at once for an instance entering the warm pool", () => {
    const decision = decide(lifecycleAction("LAUNCHING", { Origin: "EC2", Destination: "WarmPool" }));
    expect(decision.action).toBe("complete-lifecycle");
    expect(decision.lifecycle?.result).toBe("CONTINUE");
    expect(decision.lifecycle?.resultIfNeverReady).toBeUndefined();
  });

  it("drains an instance going back to the warm pool and says so", () => {
    const decision = decide(lifecycleAction("TERMINATING", { Origin: "AutoScalingGroup", Destination: "WarmPool" }));
    expect(decision.action).toBe("drain-and-complete-lifecycle");
    expect(decision.reason).toContain("returning to the warm pool");
  });

  it("still drains a warm-pool instance being terminated, expecting no node", () => {
    const decision = decide(lifecycleAction("TERMINATING", { Origin: "WarmPool", Destination: "EC2" }));
    expect(decision.action).toBe("drain-and-complete-lifecycle");
    expect(decision.reason).toContain("expected to find nothing");
  });

  it("drains before a root volume replacement and marks the node for uncordoning", () => {
    const rvr = { Origin: "AutoScalingGroup", Destination: "AutoScalingGroup", Action: "ReplaceRootVolume" };
    const before = decide(lifecycleAction("TERMINATING", rvr));
    expect(before.action).toBe("drain-and-complete-lifecycle");
    expect(before.lifecycle?.rootVolumeReplacement).toBe(true);
    expect(before.reason).toContain("not terminated but restarts on a new root volume");

    const after = decide(lifecycleAction("LAUNCHING", rvr));
    expect(after.action).toBe("await-ready-and-complete-lifecycle");
    expect(after.lifecycle).toMatchObject({ rootVolumeReplacement: true, resultIfNeverReady: "ABANDON" });
    expect(after.reason).toContain("uncordon");
  });

  it("sets no deadline: the hook's heartbeat timeout bounds it and heartbeats extend it", () => {
    expect(decide(lifecycleAction("TERMINATING")).deadline).toBeNull();
  });
});

describe("AWS Health", () => {
  it("replaces instances before a scheduled change starts", () => {
    const decision = decide(healthEvent({}));
    expect(decision).toMatchObject({ kind: "health-scheduled-change", action: "replace", instanceIds: ["i-0ddd"] });
    expect(decision.deadline?.toISOString()).toBe("2021-06-05T10:00:00.000Z");
  });

  it.each([
    [{ eventScopeCode: "PUBLIC" }, "public event"],
    [{ service: "EKS", eventTypeCode: "AWS_EKS_PLANNED_LIFECYCLE_EVENT" }, "EKS service"],
    [{ statusCode: "closed" }, "already closed"],
    [{ affectedEntities: [{ entityValue: "h-0123456789abcdef0" }] }, "not EC2 instances (h-0123456789abcdef0)"],
    [{ affectedEntities: [] }, "affected entities are none"],
    [{ eventTypeCategory: "issue" }, "not a scheduled change"],
  ])("ignores %j with a reason", (detail, words) => {
    const decision = decide(healthEvent(detail));
    expect(decision.action).toBe("ignore");
    expect(decision.deadline).toBeNull();
    expect(decision.reason).toContain(words);
  });

  it("ignores a change whose window ended before `now`", () => {
    const raw = healthEvent({ endTime: "Sat, 05 Jun 2021 12:00:00 GMT" });
    expect(decide(raw, new Date("2021-06-06T00:00:00Z"))).toMatchObject({ action: "ignore" });
    expect(decide(raw, new Date("2021-06-05T11:00:00Z"))).toMatchObject({ action: "replace" });
  });

  it("replaces now, without a deadline, when the start time cannot be read", () => {
    const decision = decide(healthEvent({ startTime: "sometime soon" }));
    expect(decision).toMatchObject({ action: "replace", deadline: null });
    expect(decision.reason).toContain("no readable start time");
  });

  it("names the entities it leaves alone when some are not instances", () => {
    const decision = decide(
      healthEvent({ affectedEntities: [{ entityValue: "i-0ddd" }, { entityValue: "vol-0123456789abcdef0" }] }),
    );
    expect(decision.instanceIds).toEqual(["i-0ddd"]);
    expect(decision.reason).toContain("vol-0123456789abcdef0");
  });
});

describe("actionForEvent", () => {
  it("ignores an unknown event with the reason the parser gave", () => {
    const event = parseClusterEvent({ "detail-type": "Object Created", source: "aws.s3", detail: {} });
    const decision = actionForEvent(event);
    expect(decision.action).toBe("ignore");
    if (event.kind === "unknown") expect(decision.reason).toBe(event.reason);
  });

  it("is pure: the same event decides the same way and is left untouched", () => {
    const event = parseClusterEvent(spotWarning());
    const snapshot = structuredClone(event);
    const first = actionForEvent(event, { now: new Date("2030-01-01T00:00:00Z") });
    first.instanceIds.push("i-mutated");
    first.deadline?.setTime(0);
    expect(event).toEqual(snapshot);
    expect(actionForEvent(event, { now: new Date("2030-01-01T00:00:00Z") }).deadline?.toISOString()).toBe(
      "2024-05-01T12:02:00.000Z",
    );
  });
});
