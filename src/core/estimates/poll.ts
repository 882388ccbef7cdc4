/**
 * When to look again at something that takes a while (replacements turning Ready, an EKS update):
 * first at the time the estimate expects it done, then backing off. The interval after the expected
 * time grows with the lateness (half of it, between MIN and MAX seconds), so successive looks are
 * spaced ×1.5 apart: 2, 2, 2, 3, 4.5, 6.75 … s up to the cap. Nothing here knows how long the thing
 * really takes; a run whose history is wrong costs a few looks, not a missed event.
 */

export interface PollOptions {
  /** Seconds since the thing started (surge, update requested). */
  elapsedSeconds: number;
  /** Seconds the estimate expects it to take (its median). */
  expectedSeconds: number;
  minSeconds?: number;
  maxSeconds?: number;
}

export const POLL_MIN_SECONDS = 2;
export const POLL_MAX_SECONDS = 30;
export const POLL_BACKOFF_FACTOR = 1.5;

export function nextLookSeconds({
  elapsedSeconds,
  expectedSeconds,
  minSeconds = POLL_MIN_SECONDS,
  maxSeconds = POLL_MAX_SECONDS,
}: PollOptions): number {
  const untilExpected = expectedSeconds - elapsedSeconds;
  if (untilExpected >= minSeconds) return Math.ceil(untilExpected);
  const late = Math.max(0, -untilExpected);
  const interval = late * (POLL_BACKOFF_FACTOR - 1);
  return Math.ceil(Math.min(maxSeconds, Math.max(minSeconds, interval)));
}
