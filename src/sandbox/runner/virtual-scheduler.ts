/**
 * Lets several executions share one virtual clock, as parallel child executions do: time moves only
 * when every running execution is asleep (in a Wait, or in the modelled duration of a step), and then
 * only to the earliest wake-up, so overlapping waits overlap instead of adding up. Step handlers run one
 * at a time, so each step's API calls are counted as its own; two steps that start at the same virtual
 * moment still overlap in virtual time.
 */
import type { VirtualClock } from "../clock";

interface Sleeper {
  atMs: number;
  order: number;
  wake: () => void;
}

export class VirtualScheduler {
  private participants = 0;
  private readonly sleepers: Sleeper[] = [];
  private order = 0;
  private steps: Promise<unknown> = Promise.resolve();
  private checkScheduled = false;

  constructor(private readonly clock: VirtualClock) {}

  /** An execution starts taking part (it must sleep, or leave, for time to move). */
  join(): void {
    this.participants++;
  }

  /** An execution ends, or waits on something other than time (its child executions). */
  leave(): void {
    this.participants--;
    this.scheduleCheck();
  }

  /** Resolves once virtual time reaches `atMs`. */
  sleepUntil(atMs: number): Promise<void> {
    return new Promise<void>((wake) => {
      this.sleepers.push({ atMs, order: this.order++, wake });
      this.scheduleCheck();
    });
  }

  /**
   * Sleeps until `atMs` unless cancelled first (a task token answered before its timeout): a cancelled
   * sleeper is awake again and time waits for it as for any running execution.
   */
  sleepCancellable(atMs: number): { promise: Promise<void>; cancel: () => void } {
    let sleeper: Sleeper | undefined;
    const promise = new Promise<void>((wake) => {
      sleeper = { atMs, order: this.order++, wake };
      this.sleepers.push(sleeper);
      this.scheduleCheck();
    });
    const cancel = () => {
      const index = sleeper ? this.sleepers.indexOf(sleeper) : -1;
      if (index >= 0) this.sleepers.splice(index, 1);
      this.scheduleCheck();
    };
    return { promise, cancel };
  }

  /** Runs `fn` when no other step handler is running. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.steps.then(fn);
    this.steps = run.catch(() => undefined);
    return run;
  }

  /**
   * Looks once what is already queued has run: executions started together (the iterations of a Map)
   * join before the first of them could move time on its own.
   */
  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      this.wakeWhenAllAsleep();
    });
  }

  private wakeWhenAllAsleep(): void {
    if (this.sleepers.length === 0 || this.sleepers.length < this.participants) return;
    this.sleepers.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    const next = this.sleepers.shift() as Sleeper;
    this.clock.advanceTo(Math.max(this.clock.nowMs(), next.atMs));
    next.wake();
  }
}
