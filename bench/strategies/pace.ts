/**
 * How a strategy spends virtual time. A tool that polls sleeps between polls; the round trips of
 * the API calls it made meanwhile cost time too. Both are charged here, with the per-call costs the
 * workflow runner charges Tugboat (scenario.timing.awsCallSeconds / kubeCallSeconds), so that no
 * strategy gets its API calls for free.
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import { StrategyFailed } from "./types";

export interface WaitOptions {
  /** Seconds between checks. */
  every: number;
  /** Give up (the run fails) after this many seconds; none = wait for ever. */
  timeoutSeconds?: number;
}

/**
 * Some tools wait for ever (kubectl drain has no timeout by default). A benchmark cannot: past this
 * much virtual time a run is stopped and counted as not completed.
 */
export const RUN_CAP_SECONDS = 48 * 3600;

export class Pace {
  private charged: { aws: number; kubernetes: number };
  private readonly startMs: number;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly capSeconds = RUN_CAP_SECONDS,
  ) {
    this.charged = sandbox.apiCalls();
    this.startMs = sandbox.clock.nowMs();
  }

  nowMs(): number {
    return this.sandbox.clock.nowMs();
  }

  secondsSince(startMs: number): number {
    return this.sandbox.clock.secondsSince(startMs);
  }

  /**
   * Sleeps `seconds` of virtual time after paying for the API calls made since the last sleep.
   * `waitingFor` names what the sleep waits for, in the message if the run cap is reached.
   */
  sleep(seconds: number, waitingFor?: string): void {
    const calls = this.sandbox.apiCalls();
    const timing = this.sandbox.scenario.timing;
    const latency =
      (calls.aws - this.charged.aws) * timing.awsCallSeconds +
      (calls.kubernetes - this.charged.kubernetes) * timing.kubeCallSeconds;
    this.charged = calls;
    this.sandbox.clock.advanceBy(seconds + latency);
    if (this.secondsSince(this.startMs) > this.capSeconds) {
      const what = waitingFor ? `, still waiting for ${waitingFor}` : "";
      throw new StrategyFailed(`stopped after ${this.capSeconds / 3600} h of virtual time without finishing${what}`);
    }
  }

  /** Pays for outstanding API calls without sleeping (at the end of a run). */
  settle(): void {
    this.sleep(0);
  }

  /**
   * Checks now, then every `every` seconds, until `check` returns a value other than undefined.
   * Past the timeout the run fails with `what` in the reason.
   */
  async until<T>(what: string, check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
    const startMs = this.nowMs();
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (options.timeoutSeconds !== undefined && this.secondsSince(startMs) >= options.timeoutSeconds) {
        throw new StrategyFailed(`gave up waiting for ${what} after ${Math.round(this.secondsSince(startMs))} s`);
      }
      this.sleep(options.every, what);
    }
  }
}
