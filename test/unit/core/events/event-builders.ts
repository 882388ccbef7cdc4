/** Small builders for EventBridge events in the documented shapes, so each test states only what it varies. */

export function eventBridge(
  source: string,
  detailType: string,
  detail: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: "0",
    id: "0d7e3c1a-5b3f-4c9e-9f4e-1a2b3c4d5e6f",
    "detail-type": detailType,
    source,
    account: "123456789012",
    time: "2024-05-01T12:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail,
    ...overrides,
  };
}

export function spotWarning(instanceAction = "terminate", overrides: Record<string, unknown> = {}) {
  return eventBridge(
    "aws.ec2",
    "EC2 Spot Instance Interruption Warning",
    { "instance-id": "i-0aaa", "instance-action": instanceAction },
    overrides,
  );
}

export function stateChange(state: string, overrides: Record<string, unknown> = {}) {
  return eventBridge(
    "aws.ec2",
    "EC2 Instance State-change Notification",
    { "instance-id": "i-0bbb", state },
    overrides,
  );
}

export function lifecycleAction(
  transition: "LAUNCHING" | "TERMINATING",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const detailType =
    transition === "LAUNCHING" ? "EC2 Instance-launch Lifecycle Action" : "EC2 Instance-terminate Lifecycle Action";
  return eventBridge("aws.autoscaling", detailType, {
    LifecycleActionToken: "71514b9d-6a40-4b26-8523-05e7eEXAMPLE",
    AutoScalingGroupName: "workers-a",
    LifecycleHookName: "tugboat-hook",
    EC2InstanceId: "i-0ccc",
    LifecycleTransition: `autoscaling:EC2_INSTANCE_${transition}`,
    ...extra,
  });
}

export function healthEvent(detail: Record<string, unknown>): Record<string, unknown> {
  return eventBridge("aws.health", "AWS Health Event", {
    service: "EC2",
    eventTypeCode: "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED",
    eventTypeCategory: "scheduledChange",
    eventScopeCode: "ACCOUNT_SPECIFIC",
    startTime: "Sat, 05 Jun 2021 10:00:00 GMT",
    affectedEntities: [{ entityValue: "i-0ddd" }],
    ...detail,
  });
}
