/**
 * The wait Step Functions puts between a failed Task and its retry (a state's `Retry` field), so that
 * the local runner can charge it on the virtual clock: the interpreter is told to retry at once, and
 * the runner sleeps the interval the retrier asks for before handing the failure back. Each retrier
 * counts its own attempts, from the state's entry until it succeeds or fails for good, as Step
 * Functions does: IntervalSeconds × BackoffRate^attempts, capped by MaxDelaySeconds, with FULL jitter
 * drawing a uniform fraction of it (from the seed, through `jitter`).
 */

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

/** The States Language defaults. */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

export class StateRetryClock {
  private readonly attempts: number[];

  constructor(private readonly retriers: Retrier[]) {
    this.attempts = retriers.map(() => 0);
  }

  /** Reads a Task state's `Retry` field (none: it is never retried). */
  static of(state: Record<string, unknown> | undefined): StateRetryClock {
    return new StateRetryClock(Array.isArray(state?.Retry) ? (state.Retry as Retrier[]) : []);
  }

  /**
   * A failure with error `name`: the seconds Step Functions waits before the retry, or undefined when
   * it does not retry (no retrier matches, or the matching one has used its attempts).
   */
  failed(name: string, jitter: () => number): number | undefined {
    for (const [i, retrier] of this.retriers.entries()) {
      const matches = retrier.ErrorEquals.some((e) => e === name || e === "States.ALL" || e === "States.TaskFailed");
      if (!matches) continue;
      const used = this.attempts[i] as number;
      if (used >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
        this.reset();
        return undefined;
      }
      const interval =
        (retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * (retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE) ** used;
      const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
      this.attempts[i] = used + 1;
      return retrier.JitterStrategy === "FULL" ? jitter() * capped : capped;
    }
    this.reset();
    return undefined;
  }

  /** The state ended (succeeded, or failed for good): its next entry counts afresh. */
  reset(): void {
    this.attempts.fill(0);
  }
}
