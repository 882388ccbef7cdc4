/**
 * List responses: label and field selectors, then `limit`/`continue` pagination, over objects in
 * etcd key order (namespace, then name) as the real API server returns them.
 */
import { badRequest, type StatusBody } from "../render/status";
import {
  assertSupportedFields,
  matchesFields,
  matchesSelector,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../selectors";
import type { ClusterState } from "../state";
import { type ApiRequest, type ApiResponse, asObject, ok } from "./types";

export const COMMON_FIELDS = ["metadata.name", "metadata.namespace"];

function valueAt(object: Record<string, unknown>, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split(".")) {
    const record = asObject(current);
    if (!record) return undefined;
    current = record[part];
  }
  if (current === undefined || current === null) return undefined;
  return typeof current === "object" ? JSON.stringify(current) : String(current);
}

function labelsOf(object: Record<string, unknown>): Record<string, string> {
  return (asObject(asObject(object.metadata)?.labels) as Record<string, string> | undefined) ?? {};
}

function decodeContinue(token: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof decoded.offset === "number" && decoded.offset >= 0) return decoded.offset;
  } catch {
    // fall through to the error below
  }
  throw new SelectorError(`continue key is not valid: ${token}`);
}

/**
 * Renders a list. `items` must already be in key order and carry kind/apiVersion, which lists drop.
 * `fields` are the field selectors the resource supports beyond metadata.name/namespace.
 */
export function listResponse(
  state: ClusterState,
  request: ApiRequest,
  kind: string,
  apiVersion: string,
  items: Record<string, unknown>[],
  fields: string[] = [],
): ApiResponse {
  try {
    const labelSelector = parseLabelSelector(request.query.get("labelSelector") ?? undefined);
    const fieldSelector = parseFieldSelector(request.query.get("fieldSelector") ?? undefined);
    assertSupportedFields(fieldSelector, [...COMMON_FIELDS, ...fields], kind.replace(/List$/, ""));
    const selected = items.filter((item) => {
      if (!matchesSelector(labelsOf(item), labelSelector)) return false;
      if (fieldSelector.length === 0) return true;
      const values: Record<string, string | undefined> = {};
      for (const requirement of fieldSelector) values[requirement.field] = valueAt(item, requirement.field);
      return matchesFields(values, fieldSelector);
    });
    const offset = request.query.get("continue") ? decodeContinue(request.query.get("continue") as string) : 0;
    const limit = Number(request.query.get("limit") ?? "0");
    const end = limit > 0 ? offset + limit : selected.length;
    const page = selected.slice(offset, end).map(({ kind: _kind, apiVersion: _version, ...rest }) => rest);
    const metadata: Record<string, unknown> = { resourceVersion: state.currentResourceVersion() };
    if (end < selected.length) {
      metadata.continue = Buffer.from(JSON.stringify({ offset: end })).toString("base64url");
      metadata.remainingItemCount = selected.length - end;
    }
    return ok({ kind, apiVersion, metadata, items: page });
  } catch (error) {
    if (error instanceof SelectorError) return { status: 400, body: badRequest(error.message) as StatusBody };
    throw error;
  }
}

/** Key order of namespaced objects. */
export function byNamespaceAndName<T extends { namespace: string; name: string }>(a: T, b: T): number {
  return a.namespace < b.namespace
    ? -1
    : a.namespace > b.namespace
      ? 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;
}
