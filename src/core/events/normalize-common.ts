/** Pieces shared by the per-source normalizers: the envelope's common fields and the "unknown" result. */
import type { UnknownEvent } from "./cluster-event";
import { looseInstanceIds } from "./instance-ids";
import type { EventBridgeEnvelope } from "./schemas";
import { parseRfc3339 } from "./time";

/** Fields every EventBridge-delivered ClusterEvent takes from its envelope. */
export interface EnvelopeFields {
  eventId: string;
  time: Date | null;
  rawTime: string;
  region: string | null;
  delivery: "eventbridge";
}

export function envelopeFields(envelope: EventBridgeEnvelope): EnvelopeFields {
  return {
    eventId: envelope.id,
    time: parseRfc3339(envelope.time),
    rawTime: envelope.time,
    region: envelope.region,
    delivery: "eventbridge",
  };
}

/** An EventBridge event Tugboat does not act on (or whose detail it could not read), with why. */
export function unknownFromEnvelope(envelope: EventBridgeEnvelope, reason: string): UnknownEvent {
  return {
    kind: "unknown",
    eventId: envelope.id,
    time: parseRfc3339(envelope.time),
    rawTime: envelope.time,
    instanceIds: looseInstanceIds(envelope.detail),
    source: envelope.source,
    detailType: envelope["detail-type"],
    reason,
  };
}

/** Names an EventBridge event in reasons: `aws.autoscaling "EC2 Instance Launch Successful"`. */
export function eventLabel(envelope: EventBridgeEnvelope): string {
  return `${envelope.source} "${envelope["detail-type"]}"`;
}
