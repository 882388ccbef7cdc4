/**
 * List responses: label and field selectors evaluated on the simulator's records, then
 * `limit`/`continue` pagination, then rendering of the page only — a 40,000-pod cluster must not
 * render every pod to answer "pods on node X". Records come in key order (namespace, then name),
 * as etcd returns them, and a continue token resumes after the last key served.
 */
import { badRequest } from "../render/status";
import {
  assertSupportedFields,
  type FieldRequirement,
  matchesFields,
  matchesSelector,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../selectors";
import type { ClusterState } from "../state";
import { type ApiRequest, type ApiResponse, ok, SerializedJson } from "./types";

export interface ListSpec<R> {
  kind: string;
  apiVersion: string;
  /** Every record, in key order. */
  records: readonly R[];
  key(record: R): string;
  labels(record: R): Record<string, string>;
  /** Field selectors the resource supports, each read from a record. */
  fields: Record<string, (record: R) => string | undefined>;
  render(record: R): Record<string, unknown>;
  /**
   * The record as a list item (render() without kind and apiVersion) already serialized, for
   * resources whose items are kept as text between lists (render/node-json.ts).
   */
  itemJson?(record: R): string;
  /** An index that answers the field selector faster than a scan (pods by spec.nodeName). */
  narrow?(requirements: FieldRequirement[]): readonly R[] | undefined;
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString("base64url");
}

function decodeContinue(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof decoded.after === "string") return decoded.after;
  } catch {
    // fall through to the error below
  }
  throw new SelectorError(`continue key is not valid: ${token}`);
}

/** Index of the first record whose key sorts after `after` (records are in key order). */
function firstAfter<R>(records: readonly R[], key: (record: R) => string, after: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(records[mid] as R) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listResponse<R>(state: ClusterState, request: ApiRequest, spec: ListSpec<R>): ApiResponse {
  try {
    const labelSelector = parseLabelSelector(request.query.get("labelSelector") ?? undefined);
    const fieldSelector = parseFieldSelector(request.query.get("fieldSelector") ?? undefined);
    assertSupportedFields(fieldSelector, Object.keys(spec.fields), spec.kind.replace(/List$/, ""));
    const records = spec.narrow?.(fieldSelector) ?? spec.records;
    const token = request.query.get("continue");
    const start = token ? firstAfter(records, spec.key, decodeContinue(token)) : 0;
    const limit = Number(request.query.get("limit") ?? "0");
    const page: R[] = [];
    let remaining = 0;
    const filtered = labelSelector.length > 0 || fieldSelector.length > 0;
    for (let index = start; index < records.length; index++) {
      if (limit > 0 && page.length >= limit && !filtered) {
        // Without selectors every record left is an item left: no need to look at them.
        remaining = records.length - index;
        break;
      }
      const record = records[index] as R;
      if (labelSelector.length > 0 && !matchesSelector(spec.labels(record), labelSelector)) continue;
      if (fieldSelector.length > 0) {
        const values: Record<string, string | undefined> = {};
        for (const requirement of fieldSelector) values[requirement.field] = spec.fields[requirement.field]?.(record);
        if (!matchesFields(values, fieldSelector)) continue;
      }
      if (limit > 0 && page.length >= limit) remaining += 1;
      else page.push(record);
    }
    const metadata: Record<string, unknown> = { resourceVersion: state.currentResourceVersion() };
    if (remaining > 0) {
      metadata.continue = encodeContinue(spec.key(page[page.length - 1] as R));
      metadata.remainingItemCount = remaining;
    }
    if (spec.itemJson) {
      // Key for key what JSON.stringify writes for the object below.
      const head = `{"kind":${JSON.stringify(spec.kind)},"apiVersion":${JSON.stringify(spec.apiVersion)}`;
      const items = page.map((record) => (spec.itemJson as (record: R) => string)(record)).join(",");
      return ok(new SerializedJson(`${head},"metadata":${JSON.stringify(metadata)},"items":[${items}]}`));
    }
    // Items of a list carry no kind/apiVersion of their own.
    const items = page.map((record) => {
      const { kind: _kind, apiVersion: _version, ...rest } = spec.render(record);
      return rest;
    });
    return ok({ kind: spec.kind, apiVersion: spec.apiVersion, metadata, items });
  } catch (error) {
    if (error instanceof SelectorError) return { status: 400, body: badRequest(error.message) };
    throw error;
  }
}

/** Sort order and key of namespaced records. */
export function namespacedKey(record: { namespace: string; name: string }): string {
  return `${record.namespace}\u0000${record.name}`;
}

export function byNamespaceAndName<T extends { namespace: string; name: string }>(a: T, b: T): number {
  const ka = namespacedKey(a);
  const kb = namespacedKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function metadataFields<R extends { namespace?: string; name: string }>(): Record<
  string,
  (record: R) => string | undefined
> {
  return { "metadata.name": (record) => record.name, "metadata.namespace": (record) => record.namespace };
}
