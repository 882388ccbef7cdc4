import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../../src/core/errors";
import { parseClusterEvent, parseEventText } from "../../../../src/core/events/parse";
import { eventBridge, healthEvent, lifecycleAction, spotWarning } from "./event-builders";

describe("parseEventText", () => {
  it("refuses text that is not JSON, saying so", () => {
    expect(() => parseEventText("Service: AWS Auto Scaling")).toThrow(InvalidInputError);
    expect(() => parseEventText("{")).toThrow(/^not JSON: /);
  });

  it("refuses JSON that is not shaped like an event", () => {
    expect(() => parseEventText('{"hello":"world"}')).toThrow(
      new InvalidInputError("not an EventBridge event (missing detail-type/source/detail)"),
    );
    expect(() => parseEventText("[1, 2]")).toThrow(/not an EventBridge event \(missing detail-type\/source\/detail\)/);
    expect(() => parseEventText("42")).toThrow(InvalidInputError);
  });

  it("returns an unknown event, not an error, for an envelope it cannot use", () => {
    const event = parseEventText(JSON.stringify({ source: "aws.ec2", "detail-type": "x" }));
    expect(event.kind).toBe("unknown");
    if (event.kind === "unknown")
      expect(event.reason).toBe(
        "not a valid EventBridge event (id: missing; account: missing; time: missing; region: missing; and 1 more)",
      );
  });
});

describe("parseClusterEvent", () => {
  it("turns non-objects into unknown events", () => {
    for (const raw of [null, 3, "text", [1], true]) {
      const event = parseClusterEvent(raw);
      expect(event.kind).toBe("unknown");
      if (event.kind === "unknown") expect(event.reason).toMatch(/expected a JSON object/);
    }
  });

  it("names the source and detail-type of events from elsewhere", () => {
    const event = parseClusterEvent(eventBridge("aws.s3", "Object Created", { bucket: { name: "b" } }));
    expect(event).toMatchObject({ kind: "unknown", source: "aws.s3", detailType: "Object Created" });
    if (event.kind === "unknown") expect(event.reason).toContain('aws.s3 "Object Created"');
  });

  it("says which detail field is wrong when a known event is malformed", () => {
    const event = parseClusterEvent(
      eventBridge("aws.ec2", "EC2 Spot Instance Interruption Warning", { "instance-action": "terminate" }),
    );
    expect(event.kind).toBe("unknown");
    if (event.kind === "unknown") expect(event.reason).toContain("detail.instance-id");
  });

  it("keeps an undocumented Spot instance-action as raw text", () => {
    const event = parseClusterEvent(spotWarning("action"));
    expect(event).toMatchObject({ kind: "spot-interruption", instanceAction: null, rawInstanceAction: "action" });
    expect(parseClusterEvent(spotWarning("hibernate"))).toMatchObject({ instanceAction: "hibernate" });
  });

  it("reads root volume replacement lifecycle events by their Action field", () => {
    // Shapes from the EC2 Auto Scaling guide, "Instance refresh example events and patterns".
    const start = parseClusterEvent(
      lifecycleAction("TERMINATING", {
        Origin: "AutoScalingGroup",
        Destination: "AutoScalingGroup",
        Action: "ReplaceRootVolume",
      }),
    );
    expect(start).toMatchObject({
      kind: "lifecycle-terminate",
      origin: "AutoScalingGroup",
      destination: "AutoScalingGroup",
      lifecycleAction: "ReplaceRootVolume",
      rootVolumeReplacement: true,
    });
    expect(parseClusterEvent(lifecycleAction("LAUNCHING"))).toMatchObject({
      kind: "lifecycle-launch",
      rootVolumeReplacement: false,
      lifecycleAction: null,
    });
  });

  it("keeps an Origin/Destination value it does not know instead of dropping the hook", () => {
    const event = parseClusterEvent(
      lifecycleAction("TERMINATING", { Origin: "AutoScalingGroup", Destination: "Moon" }),
    );
    expect(event).toMatchObject({ kind: "lifecycle-terminate", destination: "Moon" });
  });

  it("does not act on a lifecycle event whose detail-type contradicts its transition", () => {
    const raw = lifecycleAction("LAUNCHING");
    raw["detail-type"] = "EC2 Instance-terminate Lifecycle Action";
    const event = parseClusterEvent(raw);
    expect(event.kind).toBe("unknown");
    if (event.kind === "unknown") expect(event.reason).toContain("contradicts");
  });

  it("does not act on an unrecognised LifecycleTransition", () => {
    const event = parseClusterEvent(
      lifecycleAction("LAUNCHING", { LifecycleTransition: "autoscaling:EC2_INSTANCE_FLOATING" }),
    );
    expect(event).toMatchObject({ kind: "unknown", instanceIds: ["i-0ccc"] });
  });

  it("unwraps an SNS notification around a lifecycle hook message", () => {
    const message = {
      Origin: "AutoScalingGroup",
      Destination: "EC2",
      LifecycleHookName: "drain",
      AccountId: "123456789012",
      RequestId: "f02639a5-62b9-0772-d50e-09647ae07b49",
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      AutoScalingGroupName: "example-asg",
      Service: "AWS Auto Scaling",
      Time: "2024-03-23T03:26:43.904Z",
      EC2InstanceId: "i-0eee",
      LifecycleActionToken: "a1b2",
    };
    const event = parseClusterEvent({ Type: "Notification", MessageId: "m-1", Message: JSON.stringify(message) });
    expect(event).toMatchObject({
      kind: "lifecycle-terminate",
      delivery: "lifecycle-hook-message",
      eventId: "f02639a5-62b9-0772-d50e-09647ae07b49",
      instanceIds: ["i-0eee"],
      origin: "AutoScalingGroup",
      destination: "EC2",
    });
  });

  it("unwraps an SNS notification around an EventBridge event", () => {
    const event = parseClusterEvent({ Type: "Notification", Message: JSON.stringify(spotWarning()) });
    expect(event.kind).toBe("spot-interruption");
  });

  it("treats an SNS notification whose Message is not JSON as unknown", () => {
    const event = parseClusterEvent({ Type: "Notification", MessageId: "m-2", Message: "hello" });
    expect(event.kind).toBe("unknown");
    if (event.kind === "unknown") expect(event.reason).toContain("Message is not JSON");
  });

  it("takes Health instance ids from ARNs and bare ids, once each, and keeps other entities apart", () => {
    const event = parseClusterEvent(
      healthEvent({
        affectedEntities: [
          { entityValue: "arn:aws:ec2:us-east-1:123456789012:instance/i-0aaa" },
          { entityValue: "i-0aaa" },
          { entityValue: "i-0bbb" },
          { entityValue: "h-0123456789abcdef0" },
        ],
      }),
    );
    expect(event).toMatchObject({
      kind: "health-scheduled-change",
      instanceIds: ["i-0aaa", "i-0bbb"],
      otherEntities: ["h-0123456789abcdef0"],
    });
  });

  it("reads Health start and end times written in RFC 1123", () => {
    const event = parseClusterEvent(healthEvent({ endTime: "Sat, 05 Jun 2021 12:00:00 GMT" }));
    if (event.kind !== "health-scheduled-change") throw new Error(`unexpected kind ${event.kind}`);
    expect(event.startTime?.toISOString()).toBe("2021-06-05T10:00:00.000Z");
    expect(event.endTime?.toISOString()).toBe("2021-06-05T12:00:00.000Z");
  });

  it("classifies non-scheduled Health categories as notifications", () => {
    expect(parseClusterEvent(healthEvent({ eventTypeCategory: "accountNotification" }))).toMatchObject({
      kind: "health-notification",
      category: "accountNotification",
    });
  });
});
