/**
 * Concurrent work on one virtual clock. A tool that drains several nodes at once (kubectl drain's
 * goroutine per pod, kOps' concurrent drains, Karpenter's termination controller) runs each piece
 * as a lane; time moves only when every lane is asleep, and only to the earliest wake-up, so
 * overlapping waits overlap instead of adding up. Time is moved through the strategy's Pace, which
 * also charges the API calls made meanwhile. With a single lane, `sleep` is Pace.sleep.
 */
import type { Pace } from "./pace";
import { StrategyFailed } from "./types";

interface Sleeper {
  atMs: number;
  order: number;
  waitingFor: string | undefined;
  wake: () => void;
  fail: (err: unknown) => void;
}

export interface UntilOptions {
  /** Seconds between checks. */
  every: number;
  /** Give up (the run fails) after this many seconds; none = wait for ever. */
  timeoutSeconds?: number;
}

export class Lanes {
  private running = 0;
  private sleepers: Sleeper[] = [];
  private order = 0;
  private stopped: unknown;
  private checkScheduled = false;

  private constructor(readonly pace: Pace) {}

  /** Runs `main` as the first lane; when it ends, lanes it left asleep are stopped. */
  static async run<T>(pace: Pace, main: (lanes: Lanes) => Promise<T>): Promise<T> {
    const lanes = new Lanes(pace);
    lanes.running = 1;
    try {
      return await main(lanes);
    } finally {
      lanes.running--;
      lanes.stop(new StrategyFailed("the run ended"));
    }
  }

  nowMs(): number {
    return this.pace.nowMs();
  }

  secondsSince(startMs: number): number {
    return this.pace.secondsSince(startMs);
  }

  /** Sleeps `seconds` of virtual time; other lanes run meanwhile. */
  sleep(seconds: number, waitingFor?: string): Promise<void> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    const atMs = this.nowMs() + seconds * 1000;
    this.running--;
    return new Promise<void>((resolve, reject) => {
      this.sleepers.push({
        atMs,
        order: this.order++,
        waitingFor,
        wake: () => {
          this.running++;
          resolve();
        },
        fail: reject,
      });
      this.scheduleCheck();
    });
  }

  /** Runs each function as a lane of its own and waits for all; the first failure is thrown. */
  all<T>(work: (() => Promise<T>)[]): Promise<T[]> {
    const spawned = work.map((fn) => this.spawn(fn));
    return this.join(Promise.all(spawned));
  }

  /** Waits, without holding time back, for work that runs on other lanes. */
  async join<T>(work: Promise<T>): Promise<T> {
    this.running--;
    this.scheduleCheck();
    try {
      return await work;
    } finally {
      this.running++;
    }
  }

  /** Checks now, then every `every` seconds, until `check` returns a value other than undefined. */
  async until<T>(what: string, check: () => Promise<T | undefined>, options: UntilOptions): Promise<T> {
    const startMs = this.nowMs();
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (options.timeoutSeconds !== undefined && this.secondsSince(startMs) >= options.timeoutSeconds) {
        throw new StrategyFailed(`gave up waiting for ${what} after ${Math.round(this.secondsSince(startMs))} s`);
      }
      await this.sleep(options.every, what);
    }
  }

  /** Starts `fn` on a lane of its own; the caller should handle its failure. */
  spawn<T>(fn: () => Promise<T>): Promise<T> {
    this.running++;
    return (async () => {
      try {
        return await fn();
      } finally {
        this.running--;
        this.scheduleCheck();
      }
    })();
  }

  private stop(reason: unknown): void {
    this.stopped = reason;
    const sleepers = this.sleepers;
    this.sleepers = [];
    for (const sleeper of sleepers) sleeper.fail(reason);
  }

  /** Looks once the lanes that are running have had their turn (API calls are real I/O). */
  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      this.wakeWhenAllAsleep();
    });
  }

  private wakeWhenAllAsleep(): void {
    if (this.running > 0 || this.sleepers.length === 0 || this.stopped !== undefined) return;
    this.sleepers.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    const next = this.sleepers[0] as Sleeper;
    try {
      this.pace.sleep(Math.max(0, next.atMs - this.nowMs()) / 1000, next.waitingFor);
    } catch (err) {
      this.stop(err);
      return;
    }
    const now = this.nowMs();
    const due = this.sleepers.filter((s) => s.atMs <= now);
    this.sleepers = this.sleepers.filter((s) => s.atMs > now);
    for (const sleeper of due) sleeper.wake();
  }
}
