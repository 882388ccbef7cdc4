/**
 * Deterministic sampling of durations. Every sample is derived from a hash of the scenario seed, a
 * purpose ("instance-boot", "pod-start", …) and an entity (an instance id, a pod uid, the n-th call
 * of a stream), never from a shared random stream: adding a sample in one place leaves every other
 * sample of the run as it was, and the same seed gives the same run.
 */
import type { Duration } from "./duration";

/** z for the 90th percentile of the standard normal distribution. */
export const Z90 = 1.2815515655446004;

/** cyrb53: a well-mixed 53-bit string hash, turned into a uniform number in [0, 1). */
export function hashUniform(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const bits = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return bits / 2 ** 53;
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9):
 * one uniform number in, one normal deviate out, so a sample needs no second draw.
 */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q0 = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  const low = 0.02425;
  const poly = (k: number[], x: number) => k.reduce((acc, coef) => acc * x + coef, 0);
  if (q0 < low) {
    const q = Math.sqrt(-2 * Math.log(q0));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (q0 > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - q0));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = q0 - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

export class TimingSampler {
  constructor(readonly seed: number) {}

  /** A uniform number in [0, 1) for this purpose and entity (the same every time it is asked). */
  uniform(purpose: string, entity: string): number {
    return hashUniform(`${this.seed}\u0000${purpose}\u0000${entity}`);
  }

  /** One sample of `duration` (seconds) for this purpose and entity. A plain number is returned as is. */
  sample(duration: Duration, purpose: string, entity: string): number {
    if (typeof duration === "number") return duration;
    const u = this.uniform(purpose, entity);
    let seconds: number;
    if ("min" in duration) {
      seconds = duration.min + u * (duration.max - duration.min);
    } else {
      const sigma = Math.log(duration.p90 / duration.p50) / Z90;
      seconds = duration.p50 * Math.exp(sigma * normalQuantile(u));
    }
    const { slowFraction, slowFactor } = duration;
    if (slowFraction !== undefined && slowFactor !== undefined && slowFraction > 0) {
      // A second, independent draw decides the tail, so the tail never reorders the body.
      if (this.uniform(`${purpose}:tail`, entity) < slowFraction) seconds *= slowFactor;
    }
    return seconds;
  }

  /** Samples in order: the n-th call of a stream is its entity, for things without a name of their own. */
  stream(purpose: string): SampleStream {
    return new SampleStream(this, purpose);
  }
}

export class SampleStream {
  private count = 0;

  constructor(
    private readonly sampler: TimingSampler,
    readonly purpose: string,
  ) {}

  next(duration: Duration): number {
    this.count++;
    return this.sampler.sample(duration, this.purpose, String(this.count));
  }
}
