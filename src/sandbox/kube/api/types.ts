/** The API layer's request and response, independent of node:http so handlers are plain functions. */
import type { ClusterState } from "../state";

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Media type of the body, parameters stripped ("application/merge-patch+json"). */
  contentType: string;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  /** A value the server answers with JSON.stringify, or text already serialized (SerializedJson). */
  body: unknown;
}

/** A body already written as JSON text, byte for byte what JSON.stringify of the value it stands for gives. */
export class SerializedJson {
  constructor(readonly text: string) {}
}

/** A resource's handlers. `namespace` is undefined for cluster-scoped resources and all-namespace lists. */
export interface ResourceHandlers {
  namespaced: boolean;
  list?(state: ClusterState, request: ApiRequest, namespace: string | undefined): ApiResponse;
  get?(state: ClusterState, request: ApiRequest, namespace: string | undefined, name: string): ApiResponse;
  create?(state: ClusterState, request: ApiRequest, namespace: string | undefined): ApiResponse;
  patch?(state: ClusterState, request: ApiRequest, namespace: string | undefined, name: string): ApiResponse;
  replace?(state: ClusterState, request: ApiRequest, namespace: string | undefined, name: string): ApiResponse;
  delete?(state: ClusterState, request: ApiRequest, namespace: string | undefined, name: string): ApiResponse;
  /** POST to a subresource (pods/eviction). */
  subresources?: Record<
    string,
    (state: ClusterState, request: ApiRequest, namespace: string, name: string) => ApiResponse
  >;
}

export function ok(body: unknown, status = 200): ApiResponse {
  return { status, body };
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
