/**
 * What starts the rebalance-azs workflow besides `tug rebalance`, as data: the stack (stacks/Rebalance.ts)
 * turns each into an EventBridge rule targeting the state machine, and tests run the sandbox's own events
 * through the same patterns and input mappings.
 *
 * - a schedule per managed cluster: zones drift apart as groups scale in and out;
 * - a periodic check per cluster for pods Pending for their volume's zone: the run ends at once when
 *   there are none, and brings a node back to the zone when there are;
 * - "EC2 Instance Launch Unsuccessful" with EC2's capacity wording: the zone is short of capacity, which
 *   is recorded so no run launches there for a while, and never a reason to move nodes into it.
 */
import type { EventPattern } from "./event-pattern";

/** A value of the input: a constant, or a path into the event (EventBridge input transformer). */
export type RuleInputValue = string | { path: string };

export interface RebalanceRuleSpec {
  /** Construct id, and the rule's name suffix (per cluster rules append the cluster). */
  id: string;
  description: string;
  /** EventBridge schedule expression, for rules started by time (one rule per managed cluster). */
  schedule?: string;
  /** Event pattern, for rules started by events (one rule for every cluster: the group's tags name it). */
  pattern?: EventPattern;
  /** The execution's input; a scheduled rule also gets `cluster`. */
  input: Record<string, RuleInputValue>;
}

/** EC2's wording for InsufficientInstanceCapacity, as Auto Scaling repeats it in the activity's status. */
export const CAPACITY_MESSAGE_PREFIX = "We currently do not have sufficient";

export const REBALANCE_RULES: readonly RebalanceRuleSpec[] = [
  {
    id: "RebalanceSchedule",
    description: "rebalance multi-AZ node groups across zones, daily",
    schedule: "rate(1 day)",
    input: { trigger: "schedule" },
  },
  {
    id: "RebalancePendingZonalPods",
    description: "bring nodes back to zones whose pods are Pending for their volume",
    schedule: "rate(5 minutes)",
    input: { trigger: "pending-zonal-pods" },
  },
  {
    id: "RebalanceLaunchUnsuccessful",
    description: "a launch failed for lack of EC2 capacity: record the zone's shortage, balance the others",
    pattern: {
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Unsuccessful"],
      detail: { StatusMessage: [{ prefix: CAPACITY_MESSAGE_PREFIX }] },
    },
    input: {
      trigger: "launch-unsuccessful",
      autoScalingGroupName: { path: "$.detail.AutoScalingGroupName" },
      statusMessage: { path: "$.detail.StatusMessage" },
    },
  },
];

/** The input a rule gives the execution for an event (what EventBridge's input transformer builds). */
export function ruleInput(rule: RebalanceRuleSpec, event: unknown, cluster?: string): Record<string, string> {
  const input: Record<string, string> = cluster ? { cluster } : {};
  for (const [key, value] of Object.entries(rule.input)) {
    if (typeof value === "string") {
      input[key] = value;
      continue;
    }
    let at: unknown = event;
    for (const part of value.path.replace(/^\$\./, "").split(".")) {
      at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[part] : undefined;
    }
    if (typeof at === "string") input[key] = at;
  }
  return input;
}
