/**
 * The wire shapes of the events Tugboat reacts to, as AWS documents and actually sends them.
 * Lenient where published samples are loose (placeholder times, malformed ARNs, non-hex ids,
 * missing `version` or `resources`), strict only on the fields a decision needs.
 *
 * Sources: EC2 User Guide (Spot interruption notices, rebalance recommendations, instance state changes),
 * EC2 Auto Scaling User Guide (event reference, warm pool events, instance refresh / replace root volume
 * events, lifecycle notifications to SQS/SNS), AWS Health event schema.
 */
import { z } from "zod";

const nonEmpty = z.string().min(1);

/** The EventBridge envelope. `time` stays a string: doc samples hold "yyyy-mm-ddThh:mm:ssZ". */
export const eventBridgeEnvelopeSchema = z.object({
  // The EC2 state-change doc sample has no `version`.
  version: z.string().optional(),
  id: z.string(),
  "detail-type": z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  // The AWS Health retirement sample has no `resources`; ARNs in it are not validated (NTH samples are malformed).
  resources: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;

// --- aws.ec2 -------------------------------------------------------------------------------------

export const SPOT_INTERRUPTION_DETAIL_TYPE = "EC2 Spot Instance Interruption Warning";
export const REBALANCE_RECOMMENDATION_DETAIL_TYPE = "EC2 Instance Rebalance Recommendation";
export const STATE_CHANGE_DETAIL_TYPE = "EC2 Instance State-change Notification";

/** `instance-action` is documented as hibernate | stop | terminate; the doc sample says "action", so any string. */
export const spotInterruptionDetailSchema = z.object({
  "instance-id": nonEmpty,
  "instance-action": z.string(),
});

export const rebalanceRecommendationDetailSchema = z.object({
  "instance-id": nonEmpty,
});

/** `state`: pending | running | stopping | stopped | shutting-down | terminated, kept as a string. */
export const instanceStateChangeDetailSchema = z.object({
  "instance-id": nonEmpty,
  state: nonEmpty,
});

// --- aws.autoscaling -----------------------------------------------------------------------------

export const LAUNCH_LIFECYCLE_DETAIL_TYPE = "EC2 Instance-launch Lifecycle Action";
export const TERMINATE_LIFECYCLE_DETAIL_TYPE = "EC2 Instance-terminate Lifecycle Action";

/**
 * The fields of a lifecycle action, shared by the EventBridge `detail` and the direct SQS/SNS message.
 * `Origin`/`Destination` (EC2 | AutoScalingGroup | WarmPool) appeared with warm pools; `Action`
 * ("ReplaceRootVolume") with root volume replacement. They stay plain strings so that a value AWS adds
 * later still yields a lifecycle event, whose hook must be completed, rather than an unknown one.
 */
const lifecycleActionFields = {
  LifecycleActionToken: nonEmpty,
  AutoScalingGroupName: nonEmpty,
  LifecycleHookName: nonEmpty,
  EC2InstanceId: nonEmpty,
  LifecycleTransition: nonEmpty,
  NotificationMetadata: z.string().optional(),
  Origin: z.string().optional(),
  Destination: z.string().optional(),
  Action: z.string().optional(),
};

export const lifecycleActionDetailSchema = z.object(lifecycleActionFields);
export type LifecycleActionDetail = z.infer<typeof lifecycleActionDetailSchema>;

/**
 * A lifecycle hook's direct notification to SQS or SNS (not EventBridge): a JSON object carrying the
 * lifecycle fields at top level, plus `Service`, `Time`, `RequestId`, `AccountId`.
 */
export const lifecycleHookMessageSchema = z.object({
  ...lifecycleActionFields,
  Service: z.string().optional(),
  Time: z.string(),
  RequestId: z.string(),
  AccountId: z.string().optional(),
});
export type LifecycleHookMessage = z.infer<typeof lifecycleHookMessageSchema>;

export const TEST_NOTIFICATION_EVENT = "autoscaling:TEST_NOTIFICATION";

/** Sent once to the hook's target when it is configured: no instance, no token. */
export const lifecycleTestNotificationSchema = z.object({
  Event: z.literal(TEST_NOTIFICATION_EVENT),
  Service: z.string().optional(),
  Time: z.string().optional(),
  RequestId: z.string().optional(),
  AccountId: z.string().optional(),
  AutoScalingGroupName: z.string().optional(),
  AutoScalingGroupARN: z.string().optional(),
});
export type LifecycleTestNotification = z.infer<typeof lifecycleTestNotificationSchema>;

/** An SNS notification as delivered to SQS (raw message delivery off): the lifecycle message is in `Message`. */
export const snsNotificationSchema = z.object({
  Type: z.literal("Notification"),
  Message: z.string(),
  MessageId: z.string().optional(),
  TopicArn: z.string().optional(),
  Timestamp: z.string().optional(),
});

// --- aws.health ----------------------------------------------------------------------------------

export const HEALTH_DETAIL_TYPE = "AWS Health Event";

const healthEntitySchema = z.object({
  entityValue: z.string(),
  status: z.string().optional(),
});

/** `startTime`/`endTime` are RFC 1123 strings ("Sat, 05 Jun 2021 10:00:00 GMT"), parsed separately. */
export const healthDetailSchema = z.object({
  eventArn: z.string().optional(),
  service: z.string(),
  eventTypeCode: z.string(),
  eventTypeCategory: z.string(),
  eventScopeCode: z.string().optional(),
  statusCode: z.string().optional(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  affectedEntities: z.array(healthEntitySchema).optional(),
});
export type HealthDetail = z.infer<typeof healthDetailSchema>;

/** "detail.instance-id: missing; detail.state: expected string, received number" — for reasons and messages. */
export function describeIssues(error: z.ZodError, prefix: string): string {
  const shown = 4;
  const described = error.issues.slice(0, shown).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    const message = issue.message.endsWith("received undefined")
      ? "missing"
      : issue.message.replace(/^Invalid input: /, "");
    return path ? `${path}: ${message}` : message;
  });
  const more = error.issues.length - shown;
  return described.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
