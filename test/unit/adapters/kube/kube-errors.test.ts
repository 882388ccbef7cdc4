import { readFileSync } from "node:fs";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { evictionOutcome, kubeStepError } from "../../../../src/adapters/kube/kube-errors";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import { publishedFixture } from "../../../support/published-fixtures";

const eviction429 = readFileSync(publishedFixture("kubernetes/k8s-eviction-429.json"), "utf8");

function apiError(code: number, body: string | undefined, headers: Record<string, string> = {}) {
  return new ApiException<string | undefined>(code, "Unknown API Status Code!", body, headers);
}

describe("evictionOutcome", () => {
  it("reads a PDB refusal (429) from the JSON string body", () => {
    expect(evictionOutcome(apiError(429, eviction429))).toEqual({
      outcome: "blocked",
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget my-super-app-pdb needs 6 healthy pods and has 6 currently",
      pdbName: "my-super-app-pdb",
    });
  });

  it("reads retryAfterSeconds when the server suggests one", () => {
    const stale = JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: {
        causes: [
          { reason: "DisruptionBudget", message: "The disruption budget web is still being processed by the server." },
        ],
        retryAfterSeconds: 10,
      },
      code: 429,
    });
    expect(evictionOutcome(apiError(429, stale))).toMatchObject({ pdbName: "web", retryAfterSeconds: 10 });
    expect(evictionOutcome(apiError(429, undefined, { "Retry-After": "5" }))).toMatchObject({
      outcome: "blocked",
      retryAfterSeconds: 5,
    });
  });

  it("treats 403 and 500 as refusals that waiting will not fix, 404 as gone", () => {
    const multiple = JSON.stringify({
      kind: "Status",
      status: "Failure",
      message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      code: 500,
    });
    expect(evictionOutcome(apiError(500, multiple))).toEqual({
      outcome: "refused",
      status: 500,
      message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    });
    expect(evictionOutcome(apiError(403, '{"kind":"Status","message":"pdb disruptions allowed is negative"}'))).toEqual(
      {
        outcome: "refused",
        status: 403,
        message: "pdb disruptions allowed is negative",
      },
    );
    expect(evictionOutcome(apiError(404, "{}"))).toEqual({ outcome: "not-found" });
    expect(evictionOutcome(apiError(503, "{}"))).toBeUndefined();
  });
});

describe("kubeStepError", () => {
  it("retries network failures, throttling and server errors", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" });
    expect(kubeStepError(refused, "listing nodes")).toBeInstanceOf(RetryableError);
    expect(kubeStepError(apiError(503, "{}"), "listing nodes")).toBeInstanceOf(RetryableError);
    expect(kubeStepError(apiError(429, "{}"), "listing nodes")).toBeInstanceOf(RetryableError);
  });

  it("stops on client errors, with the context and the API server's words", () => {
    const forbidden = apiError(
      403,
      JSON.stringify({
        kind: "Status",
        reason: "Forbidden",
        message: 'nodes "n1" is forbidden: User "tugboat" cannot patch',
      }),
    );
    const err = kubeStepError(forbidden, "cordoning node n1");
    expect(err).toBeInstanceOf(TerminalError);
    expect(err.message).toBe(
      'cordoning node n1: HTTP 403 Forbidden: nodes "n1" is forbidden: User "tugboat" cannot patch',
    );
  });
});
