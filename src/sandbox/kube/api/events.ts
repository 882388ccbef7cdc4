/**
 * Events through both APIs: core/v1 (/api/v1/namespaces/{ns}/events) and events.k8s.io/v1. One
 * store backs both, so an event written through one is listed by the other, as on a real cluster.
 * Validation follows upstream's where a client bug would otherwise pass unnoticed: an event about a
 * cluster-scoped object (a Node) must live in "default", and events.k8s.io/v1 requires eventTime,
 * reportingController, reportingInstance, action and reason.
 */
import { safeSuffix } from "../names";
import { renderCoreEvent, renderEventsV1 } from "../render/events";
import { badRequest, failure, notFound } from "../render/status";
import type { ClusterState } from "../state";
import type { EventRecord } from "../types";
import { byNamespaceAndName, listResponse, namespacedKey } from "./lists";
import { type ApiRequest, type ApiResponse, asObject, ok, type ResourceHandlers } from "./types";

type EventApi = EventRecord["api"];

function invalid(name: string, causes: { field: string; message: string }[]): ApiResponse {
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`).join(", ");
  return {
    status: 422,
    body: failure(422, "Invalid", `Event "${name}" is invalid: ${summary}`, {
      name,
      kind: "Event",
      causes: causes.map((cause) => ({ reason: "FieldValueInvalid", message: cause.message, field: cause.field })),
    }),
  };
}

function timeMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function createEvent(state: ClusterState, request: ApiRequest, namespace: string, api: EventApi): ApiResponse {
  const body = asObject(request.body);
  if (!body) return { status: 400, body: badRequest("the body of an event create must be an Event object") };
  const metadata = asObject(body.metadata) ?? {};
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    return {
      status: 400,
      body: badRequest("the namespace of the provided object does not match the namespace sent on the request"),
    };
  }
  const name =
    str(metadata.name) ??
    (str(metadata.generateName) ? `${metadata.generateName}${safeSuffix(state.rng, 5)}` : undefined);
  if (!name)
    return invalid("", [{ field: "metadata.name", message: "Required value: name or generateName is required" }]);
  if (state.hasEvent(namespace, name)) {
    return {
      status: 409,
      body: failure(409, "AlreadyExists", `events "${name}" already exists`, { name, kind: "events" }),
    };
  }
  const involved = asObject(api === "core" ? body.involvedObject : body.regarding) ?? {};
  const involvedField = api === "core" ? "involvedObject" : "regarding";
  const causes: { field: string; message: string }[] = [];
  const involvedNamespace = str(involved.namespace);
  if (involvedNamespace === undefined && namespace !== "default") {
    causes.push({ field: `${involvedField}.namespace`, message: `Invalid value: "": does not match event.namespace` });
  } else if (involvedNamespace !== undefined && involvedNamespace !== namespace) {
    causes.push({
      field: `${involvedField}.namespace`,
      message: `Invalid value: "${involvedNamespace}": does not match event.namespace`,
    });
  }
  const type = str(body.type);
  if (type !== undefined && type !== "Normal" && type !== "Warning") {
    causes.push({ field: "type", message: `Unsupported value: "${type}": supported values: "Normal", "Warning"` });
  }
  if (api === "events.k8s.io") {
    if (type === undefined)
      causes.push({ field: "type", message: 'Unsupported value: "": supported values: "Normal", "Warning"' });
    for (const field of ["eventTime", "reportingController", "reportingInstance", "action", "reason"]) {
      if (str(body[field]) === undefined) causes.push({ field, message: "Required value" });
    }
  }
  if (causes.length > 0) return invalid(name, causes);

  const source = asObject(body.source) ?? asObject(body.deprecatedSource) ?? {};
  const eventTime = timeMs(body.eventTime);
  const first = timeMs(body.firstTimestamp) ?? timeMs(body.deprecatedFirstTimestamp) ?? eventTime ?? state.now();
  const record: EventRecord = {
    namespace,
    name,
    uid: `event-${state.nextSequence()}`,
    resourceVersion: state.nextResourceVersion(),
    involvedObject: {
      kind: String(involved.kind ?? ""),
      name: String(involved.name ?? ""),
      namespace: involvedNamespace,
      uid: str(involved.uid),
      apiVersion: str(involved.apiVersion),
    },
    reason: String(body.reason ?? ""),
    message: String((api === "core" ? body.message : body.note) ?? ""),
    type: type ?? "Normal",
    sourceComponent: str(source.component) ?? str(body.reportingComponent) ?? str(body.reportingController) ?? "",
    sourceHost: str(source.host),
    reportingController: str(body.reportingController) ?? str(body.reportingComponent),
    reportingInstance: str(body.reportingInstance),
    action: str(body.action),
    firstMs: first,
    lastMs: timeMs(body.lastTimestamp) ?? timeMs(body.deprecatedLastTimestamp) ?? first,
    count:
      typeof body.count === "number" ? body.count : typeof body.deprecatedCount === "number" ? body.deprecatedCount : 1,
    api,
  };
  state.storeEvent(record);
  return ok(api === "core" ? renderCoreEvent(record) : renderEventsV1(record), 201);
}

type EventFields = Record<string, (event: EventRecord) => string | undefined>;

const COMMON_FIELDS: EventFields = {
  "metadata.name": (event) => event.name,
  "metadata.namespace": (event) => event.namespace,
  reason: (event) => event.reason,
  type: (event) => event.type,
};

function involvedFields(prefix: string): EventFields {
  return {
    [`${prefix}.kind`]: (event) => event.involvedObject.kind,
    [`${prefix}.name`]: (event) => event.involvedObject.name,
    [`${prefix}.namespace`]: (event) => event.involvedObject.namespace,
    [`${prefix}.uid`]: (event) => event.involvedObject.uid,
    [`${prefix}.apiVersion`]: (event) => event.involvedObject.apiVersion,
  };
}

const CORE_FIELDS: EventFields = {
  ...COMMON_FIELDS,
  ...involvedFields("involvedObject"),
  "source.component": (event) => event.sourceComponent,
  reportingComponent: (event) => event.reportingController ?? event.sourceComponent,
};

const V1_FIELDS: EventFields = {
  ...COMMON_FIELDS,
  ...involvedFields("regarding"),
  reportingController: (event) => event.reportingController ?? event.sourceComponent,
};

function handlersFor(api: EventApi): ResourceHandlers {
  const render = api === "core" ? renderCoreEvent : renderEventsV1;
  return {
    namespaced: true,
    list(state, request, namespace) {
      return listResponse<EventRecord>(state, request, {
        kind: "EventList",
        apiVersion: api === "core" ? "v1" : "events.k8s.io/v1",
        records: state
          .liveEvents()
          .filter((event) => namespace === undefined || event.namespace === namespace)
          .sort(byNamespaceAndName),
        key: namespacedKey,
        labels: () => ({}),
        fields: api === "core" ? CORE_FIELDS : V1_FIELDS,
        render,
      });
    },
    get(state, _request, namespace, name) {
      const event = state
        .liveEvents()
        .find((candidate) => candidate.namespace === namespace && candidate.name === name);
      return event
        ? ok(render(event))
        : { status: 404, body: notFound("events", name, api === "core" ? "" : "events.k8s.io") };
    },
    create(state, request, namespace) {
      return createEvent(state, request, namespace as string, api);
    },
  };
}

export const coreEventHandlers = handlersFor("core");
export const eventsV1Handlers = handlersFor("events.k8s.io");
