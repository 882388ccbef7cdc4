/**
 * The edge: raw input in, one ClusterEvent out. Accepts an EventBridge event, a lifecycle hook's direct
 * SQS/SNS message body, or an SNS notification wrapping either. `parseClusterEvent` never throws: what it
 * cannot use becomes an `unknown` event whose reason names what it was.
 */
import { InvalidInputError } from "../errors";
import type { ClusterEvent, UnknownEvent } from "./cluster-event";
import { looseInstanceIds } from "./instance-ids";
import {
  normalizeAutoScalingEvent,
  normalizeLifecycleHookMessage,
  normalizeTestNotification,
} from "./normalize-autoscaling";
import { normalizeEc2Event } from "./normalize-ec2";
import { normalizeHealthEvent } from "./normalize-health";
import {
  describeIssues,
  eventBridgeEnvelopeSchema,
  lifecycleHookMessageSchema,
  lifecycleTestNotificationSchema,
  snsNotificationSchema,
  TEST_NOTIFICATION_EVENT,
} from "./schemas";
import { parseRfc3339 } from "./time";

const ENVELOPE_KEYS = ["detail-type", "source", "detail"] as const;

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function stringField(object: JsonObject, key: string): string | null {
  const value = object[key];
  return typeof value === "string" ? value : null;
}

function unknownEvent(object: JsonObject | null, reason: string): UnknownEvent {
  const rawTime = object ? (stringField(object, "time") ?? stringField(object, "Time")) : null;
  return {
    kind: "unknown",
    eventId: object ? (stringField(object, "id") ?? stringField(object, "RequestId")) : null,
    time: rawTime === null ? null : parseRfc3339(rawTime),
    rawTime,
    instanceIds: object ? looseInstanceIds(object["detail"] ?? object) : [],
    source: object ? stringField(object, "source") : null,
    detailType: object ? stringField(object, "detail-type") : null,
    reason,
  };
}

/** What an object looks like, judged by its keys before any schema is applied. */
type Shape = "eventbridge" | "sns-notification" | "lifecycle-test-notification" | "lifecycle-hook-message";

function shapeOf(object: JsonObject): Shape | null {
  if (ENVELOPE_KEYS.some((key) => Object.hasOwn(object, key))) return "eventbridge";
  if (object["Type"] === "Notification" && Object.hasOwn(object, "Message")) return "sns-notification";
  if (object["Event"] === TEST_NOTIFICATION_EVENT) return "lifecycle-test-notification";
  if (Object.hasOwn(object, "LifecycleTransition") || Object.hasOwn(object, "LifecycleActionToken"))
    return "lifecycle-hook-message";
  return null;
}

function fromEventBridge(object: JsonObject): ClusterEvent {
  const parsed = eventBridgeEnvelopeSchema.safeParse(object);
  if (!parsed.success) {
    return unknownEvent(object, `not a valid EventBridge event (${describeIssues(parsed.error, "")})`);
  }
  const envelope = parsed.data;
  switch (envelope.source) {
    case "aws.ec2":
      return normalizeEc2Event(envelope);
    case "aws.autoscaling":
      return normalizeAutoScalingEvent(envelope);
    case "aws.health":
      return normalizeHealthEvent(envelope);
    default:
      return unknownEvent(
        object,
        `${envelope.source} "${envelope["detail-type"]}" comes from a source Tugboat does not react to`,
      );
  }
}

function fromSnsNotification(object: JsonObject): ClusterEvent {
  const parsed = snsNotificationSchema.safeParse(object);
  if (!parsed.success) return unknownEvent(object, `SNS notification without a readable Message`);
  let inner: unknown;
  try {
    inner = JSON.parse(parsed.data.Message);
  } catch {
    return unknownEvent(object, `SNS notification ${parsed.data.MessageId ?? ""} whose Message is not JSON`.trim());
  }
  // One level of wrapping is all SNS adds; an envelope inside an envelope is not something AWS sends.
  if (isJsonObject(inner) && shapeOf(inner) !== "sns-notification") return classify(inner);
  return unknownEvent(object, "SNS notification whose Message is not an event Tugboat knows");
}

function classify(object: JsonObject): ClusterEvent {
  switch (shapeOf(object)) {
    case "eventbridge":
      return fromEventBridge(object);
    case "sns-notification":
      return fromSnsNotification(object);
    case "lifecycle-test-notification": {
      const parsed = lifecycleTestNotificationSchema.safeParse(object);
      if (parsed.success) return normalizeTestNotification(parsed.data);
      return unknownEvent(
        object,
        `Auto Scaling test notification Tugboat cannot read (${describeIssues(parsed.error, "")})`,
      );
    }
    case "lifecycle-hook-message": {
      const parsed = lifecycleHookMessageSchema.safeParse(object);
      if (parsed.success) return normalizeLifecycleHookMessage(parsed.data);
      return unknownEvent(object, `lifecycle hook message Tugboat cannot read (${describeIssues(parsed.error, "")})`);
    }
    case null:
      return unknownEvent(object, missingEnvelopeMessage(object));
  }
}

function missingEnvelopeMessage(object: JsonObject): string {
  const missing = ENVELOPE_KEYS.filter((key) => !Object.hasOwn(object, key));
  return `not an EventBridge event (missing ${missing.join("/")})`;
}

/** Normalizes a decoded event. Never throws: unusable input becomes an `unknown` event with a reason. */
export function parseClusterEvent(raw: unknown): ClusterEvent {
  if (!isJsonObject(raw))
    return unknownEvent(null, `not an event: expected a JSON object, got ${describeJsonType(raw)}`);
  return classify(raw);
}

/**
 * Decodes and normalizes event text (a file, a message body). Throws InvalidInputError when the text is not
 * JSON or not shaped like an event at all; an event Tugboat merely does not act on is returned as `unknown`.
 */
export function parseEventText(text: string): ClusterEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isJsonObject(raw)) {
    throw new InvalidInputError(
      `not an EventBridge event (missing detail-type/source/detail): got ${describeJsonType(raw)}`,
    );
  }
  if (shapeOf(raw) === null) throw new InvalidInputError(missingEnvelopeMessage(raw));
  return classify(raw);
}
