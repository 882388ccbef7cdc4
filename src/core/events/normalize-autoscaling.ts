/**
 * aws.autoscaling events, from EventBridge or straight from a lifecycle hook's SQS/SNS target.
 * Only lifecycle actions call for a reaction; activity notices and instance refresh progress are
 * recognised so that the no-op names them.
 */
import {
  type ClusterEvent,
  LAUNCHING_TRANSITION,
  type LifecycleActionEvent,
  type LifecycleTestNotificationEvent,
  REPLACE_ROOT_VOLUME_ACTION,
  TERMINATING_TRANSITION,
  type UnknownEvent,
} from "./cluster-event";
import { envelopeFields, eventLabel, unknownFromEnvelope } from "./normalize-common";
import {
  describeIssues,
  type EventBridgeEnvelope,
  LAUNCH_LIFECYCLE_DETAIL_TYPE,
  type LifecycleActionDetail,
  type LifecycleHookMessage,
  type LifecycleTestNotification,
  lifecycleActionDetailSchema,
  TERMINATE_LIFECYCLE_DETAIL_TYPE,
} from "./schemas";
import { parseRfc3339 } from "./time";

const ACTIVITY_NOTICES = new Set([
  "EC2 Instance Launch Successful",
  "EC2 Instance Launch Unsuccessful",
  "EC2 Instance Terminate Successful",
  "EC2 Instance Terminate Unsuccessful",
  "EC2 Instance Detach Successful",
  "EC2 Instance Detach Unsuccessful",
]);

const INSTANCE_REFRESH_PREFIX = "EC2 Auto Scaling Instance Refresh ";

type Delivery = Pick<LifecycleActionEvent, "eventId" | "time" | "rawTime" | "region" | "delivery">;

/** The lifecycle fields shared by both deliveries, or the reason they do not make a lifecycle action. */
function lifecycleEvent(detail: LifecycleActionDetail, delivery: Delivery): LifecycleActionEvent | string {
  const transition = detail.LifecycleTransition;
  if (transition !== LAUNCHING_TRANSITION && transition !== TERMINATING_TRANSITION) {
    return `unrecognised LifecycleTransition "${transition}"`;
  }
  const lifecycleAction = detail.Action ?? null;
  return {
    kind: transition === LAUNCHING_TRANSITION ? "lifecycle-launch" : "lifecycle-terminate",
    ...delivery,
    instanceIds: [detail.EC2InstanceId],
    groupName: detail.AutoScalingGroupName,
    hookName: detail.LifecycleHookName,
    token: detail.LifecycleActionToken,
    transition,
    notificationMetadata: detail.NotificationMetadata ?? null,
    origin: detail.Origin ?? null,
    destination: detail.Destination ?? null,
    lifecycleAction,
    rootVolumeReplacement: lifecycleAction === REPLACE_ROOT_VOLUME_ACTION,
  };
}

export function normalizeAutoScalingEvent(envelope: EventBridgeEnvelope): ClusterEvent {
  const detailType = envelope["detail-type"];
  if (detailType === LAUNCH_LIFECYCLE_DETAIL_TYPE || detailType === TERMINATE_LIFECYCLE_DETAIL_TYPE) {
    const parsed = lifecycleActionDetailSchema.safeParse(envelope.detail);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error, "detail");
      return unknownFromEnvelope(envelope, `${eventLabel(envelope)} has a detail Tugboat cannot read (${issues})`);
    }
    const event = lifecycleEvent(parsed.data, envelopeFields(envelope));
    if (typeof event === "string") return unknownFromEnvelope(envelope, `${eventLabel(envelope)}: ${event}`);
    const expected = detailType === LAUNCH_LIFECYCLE_DETAIL_TYPE ? "lifecycle-launch" : "lifecycle-terminate";
    if (event.kind !== expected) {
      return unknownFromEnvelope(
        envelope,
        `${eventLabel(envelope)} contradicts its LifecycleTransition "${event.transition}"; not acting on it`,
      );
    }
    return event;
  }
  if (ACTIVITY_NOTICES.has(detailType)) {
    return unknownFromEnvelope(
      envelope,
      `${eventLabel(envelope)} is an Auto Scaling activity notice; Tugboat follows instances through lifecycle hooks and EC2 state changes`,
    );
  }
  if (detailType.startsWith(INSTANCE_REFRESH_PREFIX)) {
    return unknownFromEnvelope(
      envelope,
      `${eventLabel(envelope)} reports instance refresh progress; Tugboat does not react to Auto Scaling's own refreshes`,
    );
  }
  return unknownFromEnvelope(envelope, `${eventLabel(envelope)} is not an Auto Scaling event Tugboat reacts to`);
}

/** A lifecycle hook's direct SQS/SNS message (its JSON body), already matched by its schema. */
export function normalizeLifecycleHookMessage(message: LifecycleHookMessage): LifecycleActionEvent | UnknownEvent {
  const event = lifecycleEvent(message, {
    eventId: message.RequestId,
    time: parseRfc3339(message.Time),
    rawTime: message.Time,
    region: null,
    delivery: "lifecycle-hook-message",
  });
  if (typeof event !== "string") return event;
  return {
    kind: "unknown",
    eventId: message.RequestId,
    time: parseRfc3339(message.Time),
    rawTime: message.Time,
    instanceIds: [message.EC2InstanceId],
    source: message.Service ?? null,
    detailType: null,
    reason: `lifecycle hook message for ${message.AutoScalingGroupName}: ${event}`,
  };
}

export function normalizeTestNotification(message: LifecycleTestNotification): LifecycleTestNotificationEvent {
  const rawTime = message.Time ?? "";
  return {
    kind: "lifecycle-test-notification",
    eventId: message.RequestId ?? "",
    time: parseRfc3339(rawTime),
    rawTime,
    instanceIds: [],
    region: null,
    delivery: "lifecycle-hook-message",
    groupName: message.AutoScalingGroupName ?? null,
  };
}
