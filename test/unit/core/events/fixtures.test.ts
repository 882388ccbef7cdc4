/**
 * Every published sample in test/fixtures/published/aws-events, through parse → decide → describe.
 * The directory is read, not listed here, so a new sample without an expectation fails.
 */
import { describe, expect, it } from "vitest";
import { actionForEvent } from "../../../../src/core/events/action";
import type { ClusterEventKind } from "../../../../src/core/events/cluster-event";
import type { EventAction } from "../../../../src/core/events/decision";
import { describeDecision } from "../../../../src/core/events/describe";
import { parseEventText } from "../../../../src/core/events/parse";
import { listAwsEventFixtures, loadAwsEventFixture, TEMPLATE_TIME } from "./aws-event-fixtures";

interface Expected {
  kind: ClusterEventKind;
  action: EventAction;
  instanceIds: string[];
  /** ISO 8601, or null. */
  deadline: string | null;
  /** Words the reason must contain. */
  reasonMentions?: string[];
}

const DOC_ID = "i-1234567890abcdef0";
const ignoredAsg = (mention: string): Expected => ({
  kind: "unknown",
  action: "ignore",
  instanceIds: [],
  deadline: null,
  reasonMentions: [mention],
});
const activityNotice = (mention: string): Expected => ({ ...ignoredAsg(mention), instanceIds: [DOC_ID] });

const EXPECTED: Record<string, Expected> = {
  "asg-instance-launch-lifecycle-action.json": {
    kind: "lifecycle-launch",
    action: "await-ready-and-complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
    reasonMentions: ["my-lifecycle-hook", "ABANDON"],
  },
  "asg-instance-launch-successful.json": activityNotice("EC2 Instance Launch Successful"),
  "asg-instance-launch-unsuccessful.json": activityNotice("EC2 Instance Launch Unsuccessful"),
  "asg-instance-refresh-cancelled.json": ignoredAsg("Instance Refresh Cancelled"),
  "asg-instance-refresh-checkpoint-reached.json": ignoredAsg("Instance Refresh Checkpoint Reached"),
  "asg-instance-refresh-failed.json": ignoredAsg("Instance Refresh Failed"),
  "asg-instance-refresh-started.json": ignoredAsg("Instance Refresh Started"),
  "asg-instance-refresh-succeeded.json": ignoredAsg("Instance Refresh Succeeded"),
  "asg-instance-terminate-lifecycle-action.json": {
    kind: "lifecycle-terminate",
    action: "drain-and-complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
    reasonMentions: ["heartbeats", "CONTINUE"],
  },
  "asg-instance-terminate-lifecycle-action.nth.json": {
    kind: "lifecycle-terminate",
    action: "drain-and-complete-lifecycle",
    instanceIds: ["i-0633ac2b0d9769723"],
    deadline: null,
    reasonMentions: ["testt1.demo-0a20f32c.kops.sh"],
  },
  "asg-instance-terminate-successful.json": activityNotice("EC2 Instance Terminate Successful"),
  "asg-instance-terminate-unsuccessful.json": activityNotice("EC2 Instance Terminate Unsuccessful"),
  "asg-lifecycle-hook-notification.sqs-sns.txt": {
    kind: "lifecycle-launch",
    action: "await-ready-and-complete-lifecycle",
    instanceIds: ["i-0598c7d356eba48d7"],
    deadline: null,
    reasonMentions: ["my-hook", "my-asg"],
  },
  "asg-lifecycle-hook-test-notification.sqs-sns.txt": {
    kind: "lifecycle-test-notification",
    action: "ignore",
    instanceIds: [],
    deadline: null,
    reasonMentions: ["test notification", "my-asg"],
  },
  "asg-warmpool-launch-lifecycle-action-ec2-to-asg.json": {
    kind: "lifecycle-launch",
    action: "await-ready-and-complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
  },
  "asg-warmpool-launch-lifecycle-action-ec2-to-warmpool.json": {
    kind: "lifecycle-launch",
    action: "complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
    reasonMentions: ["warm pool", "CONTINUE at once"],
  },
  "asg-warmpool-launch-lifecycle-action-warmpool-to-asg.json": {
    kind: "lifecycle-launch",
    action: "await-ready-and-complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
    reasonMentions: ["leaves the warm pool"],
  },
  "asg-warmpool-terminate-lifecycle-action-asg-to-warmpool.json": {
    kind: "lifecycle-terminate",
    action: "drain-and-complete-lifecycle",
    instanceIds: [DOC_ID],
    deadline: null,
    reasonMentions: ["returning to the warm pool"],
  },
  "ec2-instance-state-change-pending.json": {
    kind: "instance-state-change",
    action: "ignore",
    instanceIds: ["i-abcd1111"],
    deadline: null,
    reasonMentions: ["pending"],
  },
  "ec2-instance-state-change-pending.nth.json": {
    kind: "instance-state-change",
    action: "ignore",
    instanceIds: ["i-abcd1111"],
    deadline: null,
  },
  "ec2-instance-state-change-stopping.nth-e2e.json.tmpl": {
    kind: "instance-state-change",
    action: "drain",
    instanceIds: ["i-0123456789abcdef0"],
    deadline: TEMPLATE_TIME,
    reasonMentions: ["stopping"],
  },
  "ec2-rebalance-recommendation.json": {
    kind: "rebalance-recommendation",
    action: "replace",
    instanceIds: [DOC_ID],
    deadline: null,
  },
  "ec2-rebalance-recommendation.nth.json": {
    kind: "rebalance-recommendation",
    action: "replace",
    instanceIds: ["i-0b662ef9931388ba0"],
    deadline: null,
  },
  "ec2-spot-interruption-warning.json": {
    kind: "spot-interruption",
    action: "drain",
    instanceIds: [DOC_ID],
    // The doc sample's time is "yyyy-mm-ddThh:mm:ssZ": no deadline can be computed, and the reason says so.
    deadline: null,
    reasonMentions: ['"yyyy-mm-ddThh:mm:ssZ" is not a timestamp', '"action"'],
  },
  "ec2-spot-interruption-warning.nth.json": {
    kind: "spot-interruption",
    action: "drain",
    instanceIds: ["i-0b662ef9931388ba0"],
    deadline: "1970-01-01T00:02:00.000Z",
    reasonMentions: ["(terminate)", "two minutes"],
  },
  "health-ec2-instance-retirement-scheduled.json": {
    kind: "health-scheduled-change",
    action: "replace",
    instanceIds: [DOC_ID],
    deadline: "2026-08-27T13:19:03.000Z",
    reasonMentions: ["AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"],
  },
  "health-ec2-instance-store-drive-degraded.aws-health-tools.json": {
    kind: "health-notification",
    action: "ignore",
    instanceIds: ["i-abcd1111"],
    deadline: null,
    reasonMentions: ["issue", "not a scheduled change"],
  },
  "health-ec2-scheduled-change.nth.json": {
    kind: "health-scheduled-change",
    action: "replace",
    instanceIds: ["i-12345678"],
    deadline: "2016-06-05T15:10:09.000Z",
    reasonMentions: ["AWS_EC2_DEDICATED_HOST_NETWORK_MAINTENANCE_SCHEDULED"],
  },
};

describe("published AWS event samples", () => {
  it.each(listAwsEventFixtures())("%s is normalized and decided as expected", (name) => {
    const expected = EXPECTED[name];
    if (!expected) throw new Error(`fixture ${name} has no expectation in this table: add one`);

    const event = parseEventText(loadAwsEventFixture(name));
    const decision = actionForEvent(event);

    expect(event.kind).toBe(expected.kind);
    expect(decision.kind).toBe(expected.kind);
    expect(decision.action).toBe(expected.action);
    expect(decision.instanceIds).toEqual(expected.instanceIds);
    expect(decision.deadline === null ? null : new Date(decision.deadline).toISOString()).toBe(
      expected.deadline === null ? null : new Date(expected.deadline).toISOString(),
    );
    expect(decision.reason.trim()).not.toBe("");
    for (const mention of expected.reasonMentions ?? []) expect(decision.reason).toContain(mention);
    expect(describeDecision(decision)).toContain(decision.reason);
  });

  it("has no expectation for a sample that no longer exists", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listAwsEventFixtures());
  });

  it("keeps the lifecycle hook's coordinates for the completion call", () => {
    const decision = actionForEvent(
      parseEventText(loadAwsEventFixture("asg-instance-terminate-lifecycle-action.nth.json")),
    );
    expect(decision.lifecycle).toEqual({
      groupName: "testt1.demo-0a20f32c.kops.sh",
      hookName: "cluster-termination-handler",
      instanceId: "i-0633ac2b0d9769723",
      token: "0befcbdb-6ecd-498a-9ff7-ae9b54447cd6",
      transition: "autoscaling:EC2_INSTANCE_TERMINATING",
      result: "CONTINUE",
      rootVolumeReplacement: false,
    });
  });

  it("reads the direct SQS/SNS lifecycle message body, with its RequestId and Time", () => {
    const event = parseEventText(loadAwsEventFixture("asg-lifecycle-hook-notification.sqs-sns.txt"));
    expect(event).toMatchObject({
      kind: "lifecycle-launch",
      delivery: "lifecycle-hook-message",
      eventId: "18b2ec17-3e9b-4c15-8024-ff2e8ce8786a",
      token: "71514b9d-6a40-4b26-8523-05e7ee35fa40",
      notificationMetadata: "hook message metadata",
      origin: null,
      destination: null,
    });
    expect(event.time?.toISOString()).toBe("2021-01-19T00:36:26.533Z");
    expect(actionForEvent(event).lifecycle).toMatchObject({ resultIfNeverReady: "ABANDON", token: expect.any(String) });
  });

  it("parses the EC2 state-change doc sample that has no version key", () => {
    const event = parseEventText(loadAwsEventFixture("ec2-instance-state-change-pending.json"));
    expect(event).toMatchObject({
      kind: "instance-state-change",
      state: "pending",
      eventId: "7bf73129-1428-4cd3-a780-95db273d1602",
    });
    expect(event.time?.toISOString()).toBe("2021-11-11T21:29:54.000Z");
  });

  it("keeps the placeholder time of doc samples as raw text and no Date", () => {
    const event = parseEventText(loadAwsEventFixture("ec2-rebalance-recommendation.json"));
    expect(event.time).toBeNull();
    expect(event.rawTime).toBe("yyyy-mm-ddThh:mm:ssZ");
  });
});
