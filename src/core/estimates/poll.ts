/**
 * When to look again at something that takes a while (replacements turning Ready, an EKS update):
 * first at the time the estimate expects it done (its median). Between the median and the p90, where
 * the event most likely lands, looks are evenly spaced (DENSE_LOOKS of them, at least MIN apart). Past
 * the p90 they back off: the interval grows with the lateness (half of it, between MIN and MAX
 * seconds), so successive looks are spaced ×1.5 apart: 2, 2, 2, 3, 4.5, 6.75 … s up to the cap.
 * Nothing here knows how long the thing really takes; a wrong history costs a few looks, never a
 * missed event.
 */

export interface PollOptions {
  /** Seconds since the thing started (surge, update requested). */
  elapsedSeconds: number;
  /** Seconds the estimate expects it to take (its median). */
  expectedSeconds: number;
  /** Seconds it takes when slow (the estimate's p90); omitted: back off right after the median. */
  slowSeconds?: number;
  minSeconds?: number;
  maxSeconds?: number;
}

export const POLL_MIN_SECONDS = 2;
export const POLL_MAX_SECONDS = 30;
export const POLL_BACKOFF_FACTOR = 1.5;
/** Looks spread evenly between the median and the p90. */
export const DENSE_LOOKS = 20;

export function nextLookSeconds({
  elapsedSeconds,
  expectedSeconds,
  slowSeconds,
  minSeconds = POLL_MIN_SECONDS,
  maxSeconds = POLL_MAX_SECONDS,
}: PollOptions): number {
  const untilExpected = expectedSeconds - elapsedSeconds;
  if (untilExpected >= minSeconds) return Math.ceil(untilExpected);
  const slow = Math.max(expectedSeconds, slowSeconds ?? expectedSeconds);
  if (elapsedSeconds < slow) {
    return Math.ceil(Math.min(maxSeconds, Math.max(minSeconds, (slow - expectedSeconds) / DENSE_LOOKS)));
  }
  const late = elapsedSeconds - slow;
  const interval = late * (POLL_BACKOFF_FACTOR - 1);
  return Math.ceil(Math.min(maxSeconds, Math.max(minSeconds, interval)));
}

/**
 * For EKS updates (control plane, add-ons, managed node groups): their durations vary widely (8 to 30
 * minutes reported for a control plane) and a look costs one DescribeUpdate, so looks start at half
 * the estimate and are spread evenly up to 1.5× it, then back off.
 */
export function nextUpdateLookSeconds(elapsedSeconds: number, estimateSeconds: number, maxSeconds: number): number {
  return nextLookSeconds({
    elapsedSeconds,
    expectedSeconds: estimateSeconds / 2,
    slowSeconds: estimateSeconds * 1.5,
    maxSeconds,
  });
}
