/**
 * The SDK clients' retry strategy in the sandbox. It decides like the standard retry mode of the AWS
 * SDK (retry throttling, transient and server errors up to maxAttempts, within a retry quota of 500
 * tokens costing 5 per retry, 10 after a timeout, refunded on success) but never sleeps in real time:
 * the back-off it would have slept (full jitter, drawn from the seed) is charged to the call being
 * retried, on the virtual clock, by the call meter (src/sandbox/call-meter.ts). The strategy is told
 * how the SDK classified each error it retries, and keeps that for the meter (retryKindOf).
 */
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken } from "@smithy/types";

const retryKinds = new WeakMap<object, RetryErrorType>();

/** How the SDK's retry middleware classified `error` when it asked this strategy to retry it. */
export function retryKindOf(error: unknown): RetryErrorType | undefined {
  return typeof error === "object" && error !== null ? retryKinds.get(error) : undefined;
}

const INITIAL_RETRY_TOKENS = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const NO_RETRY_INCREMENT = 1;

interface VirtualRetryToken extends RetryToken {
  readonly cost: number | undefined;
}

function token(retryCount: number, cost: number | undefined): VirtualRetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => 0, cost };
}

export class VirtualBackoffRetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";
  private capacity = INITIAL_RETRY_TOKENS;

  constructor(private readonly maxAttempts: number) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, undefined);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retryable = errorInfo.errorType !== "CLIENT_ERROR";
    const cost = errorInfo.errorType === "TRANSIENT" ? TIMEOUT_RETRY_COST : RETRY_COST;
    const error = errorInfo.error;
    if (typeof error === "object" && error !== null) retryKinds.set(error, errorInfo.errorType);
    const attempts = previous.getRetryCount() + 1;
    if (!retryable || attempts >= this.maxAttempts || this.capacity < cost) {
      throw new Error("No retry token available");
    }
    this.capacity -= cost;
    return token(attempts, cost);
  }

  recordSuccess(done: RetryToken): void {
    const cost = (done as VirtualRetryToken).cost;
    this.capacity = Math.min(INITIAL_RETRY_TOKENS, this.capacity + (cost ?? NO_RETRY_INCREMENT));
  }
}
