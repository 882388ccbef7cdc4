/**
 * How a strategy spends virtual time. A tool that polls sleeps between polls; the API calls it made
 * meanwhile cost time too: each call's sampled round trips and the SDK's retry back-off, with
 * concurrent calls overlapping, charged by the same rule and from the same samples as Tugboat's steps
 * (Sandbox.startCharge, src/sandbox/call-meter.ts), so that no strategy gets its calls for free and
 * concurrency helps whoever uses it.
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
  /** Modelled seconds of the API calls made since the last sleep. */
  private charge: () => number;
  private readonly startMs: number;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly capSeconds = RUN_CAP_SECONDS,
  ) {
    this.charge = sandbox.startCharge();
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
    const latency = this.charge();
    this.charge = this.sandbox.startCharge();
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
