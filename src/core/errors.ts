/**
 * The error contract (DESIGN §6). Step Functions matches Retry/Catch on `Error`, which is the thrown
 * error's `name`; these names are therefore part of the public contract of every workflow.
 * Expected outcomes (an eviction refused by a PDB, a node already gone) are results, never errors.
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

/** What the plan was based on no longer holds (re-validate before destroying). */
export class PlanInvalidatedError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PlanInvalidatedError";
  }
}

/** A PDB kept refusing evictions past the drain deadline. */
export class PdbBlockedTooLongError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdbBlockedTooLongError";
  }
}

/** A replacement instance did not become a Ready node in time. */
export class ReplacementNotReadyError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReplacementNotReadyError";
  }
}

/** The cluster is already being changed by another execution. */
export class ClusterLockedError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClusterLockedError";
  }
}

export const RETRYABLE_ERROR_NAMES = ["RetryableError"] as const;

/** Message of an unknown thrown value, for logs and reasons. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
