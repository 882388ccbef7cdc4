/**
 * One normalized shape for every instance event Tugboat hears about (DESIGN §9 "Normalize at the edge").
 * Raw EventBridge events and direct lifecycle-hook messages are parsed once, in `parse.ts`, into this union;
 * everything downstream (`actionForEvent`, the reaction workflows) reads only these fields.
 */

/** How the event reached us: an EventBridge rule, or a lifecycle hook's own SQS/SNS notification target. */
export type EventDelivery = "eventbridge" | "lifecycle-hook-message";

interface EventBase {
  /** EventBridge `id`, or the `RequestId` of a direct lifecycle-hook message. */
  eventId: string;
  /** When AWS emitted the event; null when the sample carries a placeholder such as "yyyy-mm-ddThh:mm:ssZ". */
  time: Date | null;
  /** The time exactly as received, so an explanation can quote a placeholder. */
  rawTime: string;
  /** Instances the event is about, in the order the event names them, without duplicates. */
  instanceIds: string[];
  region: string | null;
  delivery: EventDelivery;
}

/** "EC2 Spot Instance Interruption Warning": the instance is reclaimed two minutes after `time`. */
export interface SpotInterruptionEvent extends EventBase {
  kind: "spot-interruption";
  /** The documented values; null when the field holds something else (the doc sample's placeholder "action"). */
  instanceAction: "hibernate" | "stop" | "terminate" | null;
  rawInstanceAction: string;
}

/** "EC2 Instance Rebalance Recommendation": a Spot instance at elevated risk of interruption. */
export interface RebalanceRecommendationEvent extends EventBase {
  kind: "rebalance-recommendation";
}

/** EC2 instance states as the state-change notification names them. */
export type Ec2InstanceState = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

/** "EC2 Instance State-change Notification". `state` is kept as received; unknown values are decided on later. */
export interface InstanceStateChangeEvent extends EventBase {
  kind: "instance-state-change";
  state: Ec2InstanceState | (string & {});
}

/** Where an instance comes from or goes to in a lifecycle transition (the `Origin`/`Destination` fields). */
export type LifecyclePlace = "EC2" | "AutoScalingGroup" | "WarmPool" | (string & {});

export const LAUNCHING_TRANSITION = "autoscaling:EC2_INSTANCE_LAUNCHING";
export const TERMINATING_TRANSITION = "autoscaling:EC2_INSTANCE_TERMINATING";
/** The `Action` value Auto Scaling sets on lifecycle events of an instance refresh that replaces root volumes. */
export const REPLACE_ROOT_VOLUME_ACTION = "ReplaceRootVolume";

/** An instance held in `Pending:Wait` / `Terminating:Wait` (or `ReplacingRootVolume:Wait`) by a lifecycle hook. */
export interface LifecycleActionEvent extends EventBase {
  kind: "lifecycle-launch" | "lifecycle-terminate";
  groupName: string;
  hookName: string;
  token: string;
  transition: typeof LAUNCHING_TRANSITION | typeof TERMINATING_TRANSITION;
  notificationMetadata: string | null;
  /** Absent in events published before warm pools existed; read as EC2 → AutoScalingGroup (launch) or back. */
  origin: LifecyclePlace | null;
  destination: LifecyclePlace | null;
  /** The `Action` field: "ReplaceRootVolume" during a root-volume-replacing instance refresh, else null. */
  lifecycleAction: string | null;
  /** The instance keeps its id and restarts on a new root volume instead of being launched or terminated. */
  rootVolumeReplacement: boolean;
}

/** `autoscaling:TEST_NOTIFICATION`, sent once to a lifecycle hook's SQS/SNS target when it is configured. */
export interface LifecycleTestNotificationEvent extends EventBase {
  kind: "lifecycle-test-notification";
  groupName: string | null;
}

interface HealthEventFields extends EventBase {
  service: string;
  eventTypeCode: string;
  /** issue | accountNotification | scheduledChange | investigation, as received. */
  category: string;
  /** PUBLIC | ACCOUNT_SPECIFIC | NONE; null when the (older) sample has no `eventScopeCode`. */
  scope: string | null;
  /** open | closed | upcoming; null when absent. */
  statusCode: string | null;
  startTime: Date | null;
  endTime: Date | null;
  /** Affected entities that are not EC2 instances (hosts, volumes, …), kept so a decision can name them. */
  otherEntities: string[];
}

/** An AWS Health event of category `scheduledChange` (retirement, maintenance, …). */
export interface HealthScheduledChangeEvent extends HealthEventFields {
  kind: "health-scheduled-change";
}

/** Any other AWS Health event (issue, accountNotification, investigation): information, not a schedule. */
export interface HealthNotificationEvent extends HealthEventFields {
  kind: "health-notification";
}

/** Anything Tugboat does not act on, or could not read: a no-op with a reason, never an exception. */
export interface UnknownEvent {
  kind: "unknown";
  eventId: string | null;
  time: Date | null;
  rawTime: string | null;
  /** Instance ids found on a best-effort basis (`EC2InstanceId`, `instance-id`), for the explanation. */
  instanceIds: string[];
  source: string | null;
  detailType: string | null;
  /** Why the event is not one Tugboat acts on, naming what it was. */
  reason: string;
}

export type ClusterEvent =
  | SpotInterruptionEvent
  | RebalanceRecommendationEvent
  | InstanceStateChangeEvent
  | LifecycleActionEvent
  | LifecycleTestNotificationEvent
  | HealthScheduledChangeEvent
  | HealthNotificationEvent
  | UnknownEvent;

export type ClusterEventKind = ClusterEvent["kind"];
