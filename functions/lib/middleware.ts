/**
 * Middy middlewares shared by every step: the error contract (every failure leaves with a name that
 * Step Functions can Retry/Catch on) and a state shape check.
 */
import type middy from "@middy/core";
import { isThrottled, isTransient } from "../../src/adapters/aws/classify";
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

/** Anything that is not already a contract error becomes one: throttling and transient faults retry, the rest stop. */
export function errorContract(): middy.MiddlewareObj<unknown, unknown> {
  return {
    onError: async (request) => {
      const err = request.error;
      if (!err || CONTRACT_NAMES.has(err.name)) return;
      const message = `${err.name}: ${err.message}`;
      request.error =
        isThrottled(err) || isTransient(err)
          ? new RetryableError(message, { cause: err })
          : new TerminalError(message, { cause: err });
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
