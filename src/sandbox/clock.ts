/**
 * The sandbox's virtual clock: a timeline of scheduled callbacks. Nothing in the sandbox sleeps;
 * time moves only when the workflow runner waits or a step spends modelled time, and due callbacks
 * run in (time, insertion) order so a run is deterministic for a given seed.
 */
export interface ScheduledEvent {
  id: number;
  at: number;
  label: string;
  run: () => void;
}

export class VirtualClock {
  private current: number;
  private seq = 0;
  private queue: ScheduledEvent[] = [];
  private cancelled = new Set<number>();
  private listeners: ((now: number) => void)[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = startMs;
  }

  /** Milliseconds since the epoch, virtual. */
  nowMs(): number {
    return this.current;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Seconds since `sinceMs`, virtual. */
  secondsSince(sinceMs: number): number {
    return (this.current - sinceMs) / 1000;
  }

  /** Runs `run` when the clock reaches now + delaySeconds. Returns an id for `cancel`. */
  after(delaySeconds: number, label: string, run: () => void): number {
    return this.at(this.current + Math.max(0, delaySeconds) * 1000, label, run);
  }

  at(atMs: number, label: string, run: () => void): number {
    const event: ScheduledEvent = { id: ++this.seq, at: Math.max(atMs, this.current), label, run };
    // Binary insertion keeps the queue sorted by (at, id).
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.queue[mid] as ScheduledEvent;
      if (other.at < event.at || (other.at === event.at && other.id < event.id)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, event);
    return event.id;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Called after every batch of due events, with the time they ran at (used by metric samplers). */
  onTick(listener: (nowMs: number) => void): void {
    this.listeners.push(listener);
  }

  /** Advances to `targetMs`, running every event due on the way, in order. */
  advanceTo(targetMs: number): void {
    while (this.queue.length > 0 && (this.queue[0] as ScheduledEvent).at <= targetMs) {
      const at = (this.queue[0] as ScheduledEvent).at;
      this.current = Math.max(this.current, at);
      // Run everything due at this instant, including events scheduled for "now" while running.
      while (this.queue.length > 0 && (this.queue[0] as ScheduledEvent).at <= this.current) {
        const event = this.queue.shift() as ScheduledEvent;
        if (this.cancelled.delete(event.id)) continue;
        event.run();
      }
      for (const listener of this.listeners) listener(this.current);
    }
    if (targetMs > this.current) {
      this.current = targetMs;
      for (const listener of this.listeners) listener(this.current);
    }
  }

  advanceBy(seconds: number): void {
    this.advanceTo(this.current + seconds * 1000);
  }

  /** Runs only what is due now (callbacks scheduled with zero delay). */
  settle(): void {
    this.advanceTo(this.current);
  }

  pending(): number {
    return this.queue.length - this.cancelled.size;
  }
}

/** Deterministic PRNG (mulberry32) so that a seed fixes every random choice in a run. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  /** Hex string of `length` characters, for instance ids. */
  hex(length: number): string {
    return this.chars("0123456789abcdef", length);
  }
  /** `length` characters drawn from `alphabet`, one draw each. */
  chars(alphabet: string, length: number): string {
    // Character codes joined once: a flat string, where `+=` would build a rope (src/sandbox/flat.ts).
    const codes: number[] = [];
    for (let i = 0; i < length; i++) codes.push(alphabet.charCodeAt(this.int(alphabet.length)));
    return String.fromCharCode(...codes);
  }
  shuffle<T>(items: T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}
