/**
 * How Kubernetes API failures are read. @kubernetes/client-node rejects with an ApiException whose
 * `code` is the HTTP status and whose `body` is the response text, a JSON **string** holding a
 * meta/v1 Status; network failures reject with node-fetch / system errors instead.
 */
import type { RetryableError, TerminalError } from "../../core/errors";
import type { EvictionResult } from "../../core/model/kube";
import { toStepError } from "../aws/classify";

export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    retryAfterSeconds?: number;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** The HTTP status of a rejected API call, or undefined when the request never got an answer. */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  // ApiException carries a numeric code; system errors carry strings such as "ECONNREFUSED".
  return typeof code === "number" ? code : undefined;
}

/** The Status object in the response body, parsed from the JSON string when needed. */
export function statusOf(err: unknown): KubeStatus {
  if (typeof err !== "object" || err === null) return {};
  const body = (err as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === "object" && parsed !== null ? (parsed as KubeStatus) : { message: body };
    } catch {
      return body.trim() === "" ? {} : { message: body.trim() };
    }
  }
  return typeof body === "object" && body !== null ? (body as KubeStatus) : {};
}

function headerOf(err: unknown, name: string): string | undefined {
  const headers = (err as { headers?: Record<string, string> }).headers;
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** "HTTP 403 Forbidden: pods \"x\" is forbidden: …" or the network error's own words. */
export function describeKubeError(err: unknown): string {
  const status = httpStatusOf(err);
  if (status === undefined) {
    const code = (err as { code?: unknown })?.code;
    const message = err instanceof Error ? err.message : String(err);
    return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
  }
  const body = statusOf(err);
  // The generated client drops a 401's body (its API spec declares none), and an API server's own words
  // are a bare "Unauthorized": either way the words are ours.
  if (status === 401 && (!body.message || body.message === "Unauthorized")) {
    return "HTTP 401 Unauthorized: the API server does not accept this identity (on EKS: the role has no access entry)";
  }
  const reason = body.reason ? ` ${body.reason}` : "";
  const message = body.message ?? (err instanceof Error ? err.message : "");
  return `HTTP ${status}${reason}${message ? `: ${message}` : ""}`;
}

/**
 * Into the workflow's error contract, as the one classifier decides (src/adapters/aws/classify.ts):
 * a broken connection, 429 throttling, 409 conflicts, 410 (a list's continue token expired: a fresh
 * list works) and 5xx are worth another try; everything else (400, 401, 403, 422…) is not.
 */
export function kubeStepError(err: unknown, context: string): RetryableError | TerminalError {
  return toStepError(err, context, describeKubeError);
}

/** "The disruption budget web-pdb needs 2 healthy pods and has 2 currently" → "web-pdb". */
const BUDGET_NAME = /disruption budget (\S+?)\s/i;

/**
 * What a refused eviction means, or undefined when the failure is not an eviction answer (then the
 * caller raises it as an error). 429 is a PDB saying "not now"; 403 (negative budget) and 500 (more than
 * one PDB) are misconfigurations that waiting will not fix; 404 means the pod is already gone.
 */
export function evictionOutcome(err: unknown): EvictionResult | undefined {
  const status = httpStatusOf(err);
  if (status === 404) return { outcome: "not-found" };
  if (status === 429) {
    const body = statusOf(err);
    const causeMessages = (body.details?.causes ?? [])
      .map((c) => c.message)
      .filter((m): m is string => typeof m === "string" && m !== "");
    const message = [body.message, ...causeMessages].filter(Boolean).join(" ") || describeKubeError(err);
    const result: EvictionResult = { outcome: "blocked", message };
    const pdbName = causeMessages.map((m) => BUDGET_NAME.exec(m)?.[1]).find((n) => n !== undefined);
    if (pdbName) result.pdbName = pdbName;
    // The Status's retryAfterSeconds is omitted when 0; the Retry-After header mirrors it.
    const retryAfter = body.details?.retryAfterSeconds ?? Number(headerOf(err, "retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) result.retryAfterSeconds = retryAfter;
    return result;
  }
  if (status === 403 || status === 500) {
    const body = statusOf(err);
    return { outcome: "refused", status, message: body.message ?? describeKubeError(err) };
  }
  return undefined;
}
