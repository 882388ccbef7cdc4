import { describe, expect, it } from "vitest";
import type { Duration } from "../../../../src/sandbox/timing/duration";
import { floorSeconds, medianSeconds } from "../../../../src/sandbox/timing/duration";
import { normalQuantile, TimingSampler } from "../../../../src/sandbox/timing/sampler";

function draw(sampler: TimingSampler, duration: Duration, count: number, purpose = "instance-boot"): number[] {
  return Array.from({ length: count }, (_, i) => sampler.sample(duration, purpose, `i-${i}`));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

describe("TimingSampler", () => {
  it("returns a plain number as is: a number means exactly this", () => {
    const sampler = new TimingSampler(7);
    expect(draw(sampler, 60, 50)).toEqual(Array(50).fill(60));
  });

  it("is deterministic for a seed, purpose and entity, and differs across seeds", () => {
    const duration = { min: 60, max: 120 };
    expect(draw(new TimingSampler(7), duration, 20)).toEqual(draw(new TimingSampler(7), duration, 20));
    expect(draw(new TimingSampler(7), duration, 20)).not.toEqual(draw(new TimingSampler(8), duration, 20));
  });

  it("keeps each sample independent of every other purpose and entity", () => {
    const duration = { p50: 30, p90: 45 };
    const sampler = new TimingSampler(3);
    const before = sampler.sample(duration, "node-ready", "i-42");
    // Drawing many other samples first changes nothing for this one.
    draw(sampler, duration, 500, "pod-start");
    draw(sampler, duration, 500, "node-ready");
    expect(sampler.sample(duration, "node-ready", "i-42")).toBe(before);
    expect(sampler.sample(duration, "instance-boot", "i-42")).not.toBe(before);
  });

  it("keeps a uniform sample within [min, max] and spreads it over the range", () => {
    const values = draw(new TimingSampler(11), { min: 60, max: 120 }, 4000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...values)).toBeLessThanOrEqual(120);
    expect(quantile(values, 0.1)).toBeCloseTo(66, 0);
    expect(quantile(values, 0.5)).toBeCloseTo(90, 0);
    expect(quantile(values, 0.9)).toBeCloseTo(114, 0);
  });

  it("fits a log-normal to its p50 and p90", () => {
    const values = draw(new TimingSampler(5), { p50: 20, p90: 40 }, 20000);
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(quantile(values, 0.5) / 20).toBeGreaterThan(0.96);
    expect(quantile(values, 0.5) / 20).toBeLessThan(1.04);
    expect(quantile(values, 0.9) / 40).toBeGreaterThan(0.95);
    expect(quantile(values, 0.9) / 40).toBeLessThan(1.05);
    // Right-skewed: the mean lies above the median.
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeGreaterThan(21);
  });

  it("makes about slowFraction of the samples slowFactor times slower", () => {
    const sampler = new TimingSampler(9);
    const plain = draw(sampler, { min: 10, max: 11 }, 20000);
    const tailed = draw(sampler, { min: 10, max: 11, slowFraction: 0.05, slowFactor: 4 }, 20000);
    expect(plain.every((v) => v <= 11)).toBe(true);
    const slow = tailed.filter((v) => v >= 40);
    expect(slow.length / tailed.length).toBeGreaterThan(0.045);
    expect(slow.length / tailed.length).toBeLessThan(0.055);
    expect(tailed.filter((v) => v > 11 && v < 40)).toEqual([]);
    // The tail multiplies the body's own sample: the fast samples are the untailed ones.
    const reordered = tailed.filter((v, i) => v !== plain[i] && v !== (plain[i] as number) * 4);
    expect(reordered).toEqual([]);
  });

  it("draws the n-th value of a stream the same way every run", () => {
    const a = new TimingSampler(1).stream("kube-call");
    const b = new TimingSampler(1).stream("kube-call");
    const duration = { p50: 0.02, p90: 0.08 };
    const first = [a.next(duration), a.next(duration), a.next(duration)];
    expect([b.next(duration), b.next(duration), b.next(duration)]).toEqual(first);
    expect(new Set(first).size).toBe(3);
  });
});

describe("duration helpers", () => {
  it("gives the floor and the median of each shape", () => {
    expect(floorSeconds(42)).toBe(42);
    expect(floorSeconds({ min: 60, max: 120, slowFraction: 0.1, slowFactor: 2 })).toBe(60);
    expect(floorSeconds({ p50: 30, p90: 45 })).toBe(0);
    expect(medianSeconds({ min: 60, max: 120 })).toBe(90);
    expect(medianSeconds({ p50: 30, p90: 45 })).toBe(30);
  });

  it("inverts the standard normal distribution", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 6);
  });
});
