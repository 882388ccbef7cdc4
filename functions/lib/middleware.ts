/**
 * Middy middlewares shared by every step: the error contract (every failure leaves with a name that
 * Step Functions can Retry/Catch on) and a state shape check.
 */
import type middy from "@middy/core";
import { toStepError } from "../../src/adapters/aws/classify";
import { InvalidInputError, RetryableError, TerminalError } from "../../src/core/errors";

const CONTRACT_NAMES = new Set([
  "RetryableError",
  "TerminalError",
  "InvalidInputError",
  "PlanInvalidatedError",
  "PdbBlockedTooLongError",
  "ReplacementNotReadyError",
  "ClusterLockedError",
]);

/**
 * Anything that is not already a contract error becomes one, as the one classifier decides
 * (`isRetryable` in src/adapters/aws/classify.ts): throttling, conflicts and transient faults retry,
 * the rest stop. A named domain error keeps its name, so the workflow can route on it.
 */
export function errorContract(): middy.MiddlewareObj<unknown, unknown> {
  return {
    onError: async (request) => {
      const err = request.error;
      if (!err || err instanceof RetryableError || err instanceof TerminalError || CONTRACT_NAMES.has(err.name)) return;
      request.error = toStepError(err, undefined, (e) => `${(e as Error).name}: ${(e as Error).message}`);
    },
  };
}

/** Every step after "Start run" receives the workflow state with its run reference. */
export function requireRunState(): middy.MiddlewareObj<unknown, unknown> {
  return {
    before: async (request) => {
      const event = request.event as { run?: { runId?: unknown; executionId?: unknown } } | undefined;
      if (typeof event?.run?.runId !== "string" || typeof event.run.executionId !== "string") {
        throw new InvalidInputError("step input: run.runId and run.executionId: expected the workflow state of a run");
      }
    },
  };
}
