/**
 * The error contract (DESIGN §6). Step Functions matches Retry/Catch on `Error`, which is the thrown
 * error's `name`; these names are therefore part of the public contract of every workflow:
 * `RetryableError` is retried with backoff and jitter, the named terminal errors below are caught into
 * the path each one needs, and `TerminalError` (like anything unexpected) ends in the generic cleanup.
 * Whether a foreign failure (SDK, Kubernetes, network) is retryable is decided in one place:
 * `isRetryable` in src/adapters/aws/classify.ts. Expected outcomes (an eviction refused by a PDB, a
 * node already gone, a learner not yet in sync) are results, never errors.
 */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RetryableError";
  }
}

export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}

/** Input that does not match the schema; the message names the field and what was expected. */
export class InvalidInputError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidInputError";
  }
}

/**
 * What the plan was based on no longer holds: re-validated before destroying (terminating a drained
 * batch), the group is gone or its AZs no longer have the Ready capacity the batch counted on.
 */
export class PlanInvalidatedError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PlanInvalidatedError";
  }
}

/** A PDB kept refusing evictions past the drain deadline (and the operator did not ask for force). */
export class PdbBlockedTooLongError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdbBlockedTooLongError";
  }
}

/**
 * A replacement did not become a Ready node (or, on a control plane, a serving etcd member) by its
 * deadline. Instances that never joined are recorded with the batch so that the cleanup removes them.
 */
export class ReplacementNotReadyError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReplacementNotReadyError";
  }
}

/**
 * The cluster is already being changed by another live execution. Nothing was changed and the lock
 * is not ours: the workflow ends refused without touching it.
 */
export class ClusterLockedError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClusterLockedError";
  }
}

/** Message of an unknown thrown value, for logs and reasons. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
