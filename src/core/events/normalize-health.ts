/** aws.health "AWS Health Event": scheduled changes (retirement, maintenance) and everything else. */
import type { HealthNotificationEvent, HealthScheduledChangeEvent, UnknownEvent } from "./cluster-event";
import { instanceIdOf, uniqueIds } from "./instance-ids";
import { envelopeFields, eventLabel, unknownFromEnvelope } from "./normalize-common";
import { describeIssues, type EventBridgeEnvelope, HEALTH_DETAIL_TYPE, healthDetailSchema } from "./schemas";
import { parseHealthTime } from "./time";

export const SCHEDULED_CHANGE_CATEGORY = "scheduledChange";

export function normalizeHealthEvent(
  envelope: EventBridgeEnvelope,
): HealthScheduledChangeEvent | HealthNotificationEvent | UnknownEvent {
  if (envelope["detail-type"] !== HEALTH_DETAIL_TYPE) {
    return unknownFromEnvelope(envelope, `${eventLabel(envelope)} is not an AWS Health event Tugboat reacts to`);
  }
  const parsed = healthDetailSchema.safeParse(envelope.detail);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error, "detail");
    return unknownFromEnvelope(envelope, `${eventLabel(envelope)} has a detail Tugboat cannot read (${issues})`);
  }
  const detail = parsed.data;
  // Affected entities are the documented channel; older samples also list the instance in `resources`.
  const entities = (detail.affectedEntities ?? []).map((entity) => entity.entityValue);
  const named = entities.length > 0 ? entities : (envelope.resources ?? []);
  const instanceIds: string[] = [];
  const otherEntities: string[] = [];
  for (const value of named) {
    const instanceId = instanceIdOf(value);
    if (instanceId) instanceIds.push(instanceId);
    else otherEntities.push(value);
  }
  return {
    kind: detail.eventTypeCategory === SCHEDULED_CHANGE_CATEGORY ? "health-scheduled-change" : "health-notification",
    ...envelopeFields(envelope),
    instanceIds: uniqueIds(instanceIds),
    service: detail.service,
    eventTypeCode: detail.eventTypeCode,
    category: detail.eventTypeCategory,
    scope: detail.eventScopeCode ?? null,
    statusCode: detail.statusCode ?? null,
    startTime: parseHealthTime(detail.startTime),
    endTime: parseHealthTime(detail.endTime),
    otherEntities: uniqueIds(otherEntities),
  };
}
