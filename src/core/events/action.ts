/**
 * `actionForEvent`: the pure decision of what to do about one ClusterEvent. No I/O and no clock: the only
 * notion of "now" is `context.now`, used to say that a deadline or window has already passed.
 */
import type {
  ClusterEvent,
  InstanceStateChangeEvent,
  RebalanceRecommendationEvent,
  SpotInterruptionEvent,
} from "./cluster-event";
import { decideHealth } from "./decide-health";
import { decideLifecycle } from "./decide-lifecycle";
import type { DecisionContext, EventDecision } from "./decision";
import { formatInstant } from "./time";

/** EC2 reclaims a Spot instance two minutes after the interruption warning (EC2 User Guide). */
export const SPOT_INTERRUPTION_NOTICE_SECONDS = 120;

function placeholderTime(rawTime: string): string {
  return `no deadline: the event time "${rawTime}" is not a timestamp`;
}

function decideSpotInterruption(event: SpotInterruptionEvent, now: Date | null): EventDecision {
  const action =
    event.instanceAction ?? `instance-action "${event.rawInstanceAction}" is not hibernate, stop or terminate`;
  const parts = [`Spot interruption warning (${action}) gives two minutes`];
  if (event.instanceAction === "stop" || event.instanceAction === "hibernate") {
    parts.push(
      `the instance is ${event.instanceAction === "stop" ? "stopped" : "hibernated"}, not terminated, and its node leaves until it starts again`,
    );
  }
  let deadline: Date | null = null;
  if (event.time) {
    deadline = new Date(event.time.getTime() + SPOT_INTERRUPTION_NOTICE_SECONDS * 1000);
    if (now && deadline.getTime() < now.getTime()) {
      parts.push(`that deadline passed at ${formatInstant(deadline)}, the instance may already be gone`);
    }
  } else {
    parts.push(placeholderTime(event.rawTime));
  }
  return { kind: event.kind, action: "drain", instanceIds: [...event.instanceIds], deadline, reason: parts.join("; ") };
}

function decideRebalance(event: RebalanceRecommendationEvent): EventDecision {
  return {
    kind: event.kind,
    action: "replace",
    instanceIds: [...event.instanceIds],
    deadline: null,
    reason:
      "EC2 rebalance recommendation: the Spot instance is at elevated risk of interruption; " +
      "surge a replacement, then drain it before a two-minute warning can arrive",
  };
}

function decideStateChange(event: InstanceStateChangeEvent): EventDecision {
  const base = { kind: event.kind, instanceIds: [...event.instanceIds] };
  switch (event.state) {
    case "stopping":
    case "shutting-down": {
      const what = event.state === "stopping" ? "stopping" : "shutting down (being terminated)";
      const reason = `instance is ${what}: its node is going away now`;
      if (event.time) return { ...base, action: "drain", deadline: new Date(event.time.getTime()), reason };
      return { ...base, action: "drain", deadline: null, reason: `${reason}; ${placeholderTime(event.rawTime)}` };
    }
    case "stopped":
      return {
        ...base,
        action: "cleanup",
        deadline: null,
        reason:
          "instance stopped: its node is gone until the instance starts again; remove the node object and release what Tugboat holds for it",
      };
    case "terminated":
      return {
        ...base,
        action: "cleanup",
        deadline: null,
        reason: "instance terminated: remove its node object and release what Tugboat holds for it",
      };
    case "pending":
    case "running":
      return {
        ...base,
        action: "ignore",
        deadline: null,
        reason: `instance is ${event.state}: nothing to drain; new instances are followed through lifecycle hooks and node readiness`,
      };
    default:
      return { ...base, action: "ignore", deadline: null, reason: `unrecognised instance state "${event.state}"` };
  }
}

/** Decides what to do about an event. Pure; `context.now` only qualifies reasons and past windows. */
export function actionForEvent(event: ClusterEvent, context: DecisionContext = {}): EventDecision {
  const now = context.now && !Number.isNaN(context.now.getTime()) ? context.now : null;
  switch (event.kind) {
    case "spot-interruption":
      return decideSpotInterruption(event, now);
    case "rebalance-recommendation":
      return decideRebalance(event);
    case "instance-state-change":
      return decideStateChange(event);
    case "lifecycle-launch":
    case "lifecycle-terminate":
      return decideLifecycle(event);
    case "lifecycle-test-notification":
      return {
        kind: event.kind,
        action: "ignore",
        instanceIds: [],
        deadline: null,
        reason: `Auto Scaling test notification for ${event.groupName ?? "a group"}: sent once when a lifecycle hook target is set up; nothing to do`,
      };
    case "health-scheduled-change":
    case "health-notification":
      return decideHealth(event, now);
    case "unknown":
      return {
        kind: event.kind,
        action: "ignore",
        instanceIds: [...event.instanceIds],
        deadline: null,
        reason: event.reason || "unrecognised event",
      };
  }
}
