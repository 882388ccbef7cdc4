/**
 * fast-check arbitraries for events: mostly in the documented shapes, with fields now and then of the wrong
 * type or missing, so that properties reach every normalizer and decision, not only the first schema check.
 */
import fc from "fast-check";

/** A valid value most of the time; otherwise any JSON value, or the field left out. */
function usually<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: 40, arbitrary: valid },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const instant = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("2100-01-01T00:00:00Z"),
  noInvalidDate: true,
});
const instanceId = fc.stringMatching(/^i-[0-9a-f]{4,17}$/);
const instanceArn = instanceId.map((id) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`);
const eventTime = fc.oneof(
  { weight: 6, arbitrary: instant.map((d) => d.toISOString()) },
  { weight: 1, arbitrary: fc.constant("yyyy-mm-ddThh:mm:ssZ") },
  { weight: 1, arbitrary: fc.string() },
);
const healthTime = fc.oneof(
  { weight: 6, arbitrary: instant.map((d) => d.toUTCString()) },
  { weight: 1, arbitrary: fc.string() },
);

function envelope(source: string, detailTypes: string[], detail: fc.Arbitrary<Record<string, unknown>>) {
  return fc.record({
    version: usually(fc.constant("0")),
    id: usually(fc.uuid()),
    "detail-type": fc.oneof(
      { weight: 40, arbitrary: fc.constantFrom(...detailTypes) },
      { weight: 1, arbitrary: fc.string() },
    ),
    source: fc.oneof({ weight: 40, arbitrary: fc.constant(source) }, { weight: 1, arbitrary: fc.string() }),
    account: usually(fc.constantFrom("123456789012", "<account_number>")),
    time: usually(eventTime),
    region: usually(fc.constantFrom("us-east-1", "eu-west-1")),
    resources: usually(fc.array(fc.oneof(instanceArn, fc.string()), { maxLength: 2 })),
    detail: fc.oneof({ weight: 40, arbitrary: detail }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
  });
}

const ec2Detail = fc.record({
  "instance-id": usually(instanceId),
  "instance-action": usually(fc.constantFrom("terminate", "stop", "hibernate", "action")),
  state: usually(
    fc.constantFrom("pending", "running", "stopping", "stopped", "shutting-down", "terminated", "rebooting"),
  ),
});

const place = fc.constantFrom("EC2", "AutoScalingGroup", "WarmPool", "Elsewhere");
const lifecycleFields = {
  LifecycleActionToken: usually(fc.uuid()),
  AutoScalingGroupName: usually(fc.string({ minLength: 1 })),
  LifecycleHookName: usually(fc.string({ minLength: 1 })),
  EC2InstanceId: usually(instanceId),
  LifecycleTransition: usually(
    fc.constantFrom("autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING", "autoscaling:OTHER"),
  ),
  NotificationMetadata: usually(fc.string()),
  Origin: usually(place),
  Destination: usually(place),
  Action: usually(fc.constantFrom("ReplaceRootVolume", "Other")),
};

const healthDetail = fc.record({
  service: usually(fc.constantFrom("EC2", "EKS")),
  eventTypeCode: usually(
    fc.constantFrom("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"),
  ),
  eventTypeCategory: usually(fc.constantFrom("scheduledChange", "issue", "accountNotification", "investigation")),
  eventScopeCode: usually(fc.constantFrom("ACCOUNT_SPECIFIC", "PUBLIC", "NONE")),
  statusCode: usually(fc.constantFrom("open", "closed", "upcoming")),
  startTime: usually(healthTime),
  endTime: usually(healthTime),
  affectedEntities: usually(
    fc.array(
      fc.record({
        entityValue: usually(fc.oneof(instanceId, instanceArn, fc.constant("h-0123456789abcdef0"), fc.string())),
      }),
      { maxLength: 3 },
    ),
  ),
});

export const ec2EventArb = envelope(
  "aws.ec2",
  [
    "EC2 Spot Instance Interruption Warning",
    "EC2 Instance Rebalance Recommendation",
    "EC2 Instance State-change Notification",
  ],
  ec2Detail,
);
export const autoScalingEventArb = envelope(
  "aws.autoscaling",
  ["EC2 Instance-launch Lifecycle Action", "EC2 Instance-terminate Lifecycle Action", "EC2 Instance Launch Successful"],
  fc.record(lifecycleFields),
);
export const healthEventArb = envelope("aws.health", ["AWS Health Event"], healthDetail);

/** A lifecycle hook's direct SQS/SNS message body, or its test notification. */
export const lifecycleMessageArb = fc.oneof(
  fc.record({
    ...lifecycleFields,
    Service: fc.constant("AWS Auto Scaling"),
    Time: usually(eventTime),
    RequestId: usually(fc.uuid()),
  }),
  fc.record({
    Event: fc.constant("autoscaling:TEST_NOTIFICATION"),
    Time: usually(eventTime),
    AutoScalingGroupName: usually(fc.string()),
  }),
);

const anyEvent = fc.oneof(ec2EventArb, autoScalingEventArb, healthEventArb, lifecycleMessageArb);

/** Anything a queue could hand over: events in every shape, SNS-wrapped events, and arbitrary JSON. */
export const anyInputArb = fc.oneof(
  { weight: 8, arbitrary: anyEvent },
  { weight: 2, arbitrary: anyEvent.map((inner) => ({ Type: "Notification", Message: JSON.stringify(inner) })) },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.object() },
);

/** Sometimes absent, sometimes an Invalid Date, usually a real instant. */
export const nowArb = fc.option(fc.date(), { nil: undefined });
