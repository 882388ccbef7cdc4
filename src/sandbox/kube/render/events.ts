/** Events as core/v1 serves them and as events.k8s.io/v1 serves them; one store backs both APIs. */
import { microTime, rfc3339 } from "../time";
import type { EventRecord } from "../types";

export function renderCoreEvent(event: EventRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: "Event",
    apiVersion: "v1",
    metadata: {
      name: event.name,
      namespace: event.namespace,
      uid: event.uid,
      resourceVersion: event.resourceVersion,
      creationTimestamp: rfc3339(event.firstMs),
    },
    involvedObject: event.involvedObject,
    reason: event.reason,
    message: event.message,
    source: event.sourceHost
      ? { component: event.sourceComponent, host: event.sourceHost }
      : { component: event.sourceComponent },
    firstTimestamp: rfc3339(event.firstMs),
    lastTimestamp: rfc3339(event.lastMs),
    count: event.count,
    type: event.type,
    eventTime: null,
    reportingComponent: event.reportingController ?? event.sourceComponent,
    reportingInstance: event.reportingInstance ?? event.sourceHost ?? "",
  };
  if (event.action) body.action = event.action;
  return body;
}

export function renderEventsV1(event: EventRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: "Event",
    apiVersion: "events.k8s.io/v1",
    metadata: {
      name: event.name,
      namespace: event.namespace,
      uid: event.uid,
      resourceVersion: event.resourceVersion,
      creationTimestamp: rfc3339(event.firstMs),
    },
    eventTime: microTime(event.firstMs),
    reportingController: event.reportingController ?? event.sourceComponent,
    reportingInstance: event.reportingInstance ?? event.sourceHost ?? event.sourceComponent,
    action: event.action ?? event.reason,
    reason: event.reason,
    regarding: event.involvedObject,
    note: event.message,
    type: event.type,
    deprecatedSource: { component: event.sourceComponent },
    deprecatedFirstTimestamp: rfc3339(event.firstMs),
    deprecatedLastTimestamp: rfc3339(event.lastMs),
    deprecatedCount: event.count,
  };
  return body;
}
