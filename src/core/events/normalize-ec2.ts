/** aws.ec2 events: Spot interruption warnings, rebalance recommendations, instance state changes. */
import type { ClusterEvent, SpotInterruptionEvent } from "./cluster-event";
import { envelopeFields, eventLabel, unknownFromEnvelope } from "./normalize-common";
import {
  describeIssues,
  type EventBridgeEnvelope,
  instanceStateChangeDetailSchema,
  REBALANCE_RECOMMENDATION_DETAIL_TYPE,
  rebalanceRecommendationDetailSchema,
  SPOT_INTERRUPTION_DETAIL_TYPE,
  STATE_CHANGE_DETAIL_TYPE,
  spotInterruptionDetailSchema,
} from "./schemas";

const SPOT_ACTIONS = ["hibernate", "stop", "terminate"] as const;

function spotAction(raw: string): SpotInterruptionEvent["instanceAction"] {
  return SPOT_ACTIONS.find((action) => action === raw) ?? null;
}

export function normalizeEc2Event(envelope: EventBridgeEnvelope): ClusterEvent {
  const detailType = envelope["detail-type"];
  switch (detailType) {
    case SPOT_INTERRUPTION_DETAIL_TYPE: {
      const parsed = spotInterruptionDetailSchema.safeParse(envelope.detail);
      if (!parsed.success) return unreadable(envelope, describeIssues(parsed.error, "detail"));
      const rawInstanceAction = parsed.data["instance-action"];
      return {
        kind: "spot-interruption",
        ...envelopeFields(envelope),
        instanceIds: [parsed.data["instance-id"]],
        instanceAction: spotAction(rawInstanceAction),
        rawInstanceAction,
      };
    }
    case REBALANCE_RECOMMENDATION_DETAIL_TYPE: {
      const parsed = rebalanceRecommendationDetailSchema.safeParse(envelope.detail);
      if (!parsed.success) return unreadable(envelope, describeIssues(parsed.error, "detail"));
      return {
        kind: "rebalance-recommendation",
        ...envelopeFields(envelope),
        instanceIds: [parsed.data["instance-id"]],
      };
    }
    case STATE_CHANGE_DETAIL_TYPE: {
      const parsed = instanceStateChangeDetailSchema.safeParse(envelope.detail);
      if (!parsed.success) return unreadable(envelope, describeIssues(parsed.error, "detail"));
      return {
        kind: "instance-state-change",
        ...envelopeFields(envelope),
        instanceIds: [parsed.data["instance-id"]],
        state: parsed.data.state,
      };
    }
    default:
      return unknownFromEnvelope(envelope, `${eventLabel(envelope)} is not an EC2 event Tugboat reacts to`);
  }
}

function unreadable(envelope: EventBridgeEnvelope, issues: string) {
  return unknownFromEnvelope(envelope, `${eventLabel(envelope)} has a detail Tugboat cannot read (${issues})`);
}
