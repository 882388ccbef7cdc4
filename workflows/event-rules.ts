/**
 * The EventBridge rules that feed the reaction workflow, as data: the stack (stacks/Events.ts) turns
 * each into a rule targeting the events queue, and the sandbox routes its region's events through the
 * same patterns, so an event the deployed rules would drop is dropped locally too.
 *
 * Each rule lets through only what `actionForEvent` acts on: state changes to pending or running, and
 * AWS Health issues and notifications, are decided "ignore", so they are not worth a message.
 */
import type { EventPattern } from "./event-pattern";

export interface EventRuleSpec {
  /** Construct id, and the rule's name suffix. */
  id: string;
  description: string;
  pattern: EventPattern;
}

export const EVENT_RULES: readonly EventRuleSpec[] = [
  {
    id: "SpotInterruptionWarning",
    description: "EC2 Spot interruption warnings: drain the node within the two minutes",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  },
  {
    id: "RebalanceRecommendation",
    description: "EC2 rebalance recommendations: replace the Spot node before an interruption",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  },
  {
    id: "InstanceStateChange",
    description: "EC2 instances stopping, shutting down, stopped or terminated: drain or clean up",
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["stopping", "shutting-down", "stopped", "terminated"] },
    },
  },
  {
    id: "LaunchLifecycleAction",
    description: "Auto Scaling launch lifecycle hooks: complete once the node is Ready",
    pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-launch Lifecycle Action"] },
  },
  {
    id: "TerminateLifecycleAction",
    description: "Auto Scaling terminate lifecycle hooks: drain, then complete",
    pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"] },
  },
  {
    id: "HealthScheduledChange",
    description: "AWS Health scheduled changes to EC2 instances: replace them before the change starts",
    pattern: {
      source: ["aws.health"],
      "detail-type": ["AWS Health Event"],
      detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
    },
  },
];
