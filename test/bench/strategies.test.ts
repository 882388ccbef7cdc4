/**
 * The competing strategies on the `small` scenario (9 nodes over 3 AZs, all outdated; a web tier
 * with maxUnavailable 1, a zonal database with minAvailable 2), each at its documented defaults and
 * at Tugboat's disruption budget (3 nodes: 10% of 9 rounded up, at least one per AZ): each
 * completes, and its figures say what its design implies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runStrategy, type StrategyResult } from "../../bench/run-strategy";
import type { Variant } from "../../bench/strategies/budget";
import { STRATEGIES } from "../../bench/strategies/index";
import { loadScenario } from "../../src/sandbox/scenario/load";

const small = loadScenario("small");
const PEERS = ["eks-managed", "double-then-drain", "instance-refresh", "one-by-one", "karpenter-drift"] as const;
const results = new Map<string, StrategyResult>();

beforeAll(async () => {
  for (const name of PEERS) {
    for (const variant of ["defaults", "equal-budget"] as const) {
      results.set(`${name}/${variant}`, await runStrategy(small, STRATEGIES[name], { variant }));
    }
  }
}, 180_000);

function result(name: string, variant: Variant = "defaults"): StrategyResult {
  const r = results.get(`${name}/${variant}`);
  if (!r) throw new Error(`no result for ${name} (${variant})`);
  return r;
}

/** With nothing disrupted, each AZ of `small` offers this many times what its wanted pods request. */
const FULL_AZ_RATIO = 9.688;

describe.each(PEERS.flatMap((name) => [[name, "defaults"] as const, [name, "equal-budget"] as const]))(
  "%s (%s) on small",
  (name, variant) => {
    it("replaces every outdated node and completes", () => {
      const r = result(name, variant);
      expect(r.reason).toBeUndefined();
      expect(r.completed).toBe(true);
      expect(r.variant).toBe(variant);
      expect(r.nodesOutdatedBefore).toBe(9);
      expect(r.nodesOutdatedAfter).toBe(0);
    });

    it("is not a workflow, so it has no state transitions, but it did call the APIs and took time", () => {
      const r = result(name, variant);
      expect(r.stateTransitions).toBe(0);
      expect(r.apiCalls.aws).toBeGreaterThan(0);
      expect(r.makespanSeconds).toBeGreaterThan(0);
    });
  },
);

describe("what each design implies", () => {
  it("eks-managed surges twice the AZ count, drains through evictions and keeps every PDB", () => {
    for (const variant of ["defaults", "equal-budget"] as const) {
      const r = result("eks-managed", variant);
      expect(r.maxExtraNodes).toBe(6);
      expect(r.podsEvicted).toBeGreaterThan(0);
      expect(r.pdbViolations).toBe(0);
      expect(r.podsLost).toBe(0);
      // It cordons every old node once the surge is Ready: each AZ offers 2 nodes of 3 meanwhile.
      expect(r.minCapacityRatio.az).toBeCloseTo((FULL_AZ_RATIO * 2) / 3, 1);
      expect(r.makespanSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
    }
    // maxUnavailable 3 instead of 1: three nodes drain at a time.
    expect(result("eks-managed", "equal-budget").budget).toBe(3);
    expect(result("eks-managed", "equal-budget").makespanSeconds).toBeLessThan(
      result("eks-managed").makespanSeconds / 2,
    );
  });

  it("double-then-drain doubles the group whatever its BATCH_SIZE, then drains without breaking a budget", () => {
    for (const variant of ["defaults", "equal-budget"] as const) {
      const r = result("double-then-drain", variant);
      expect(r.maxExtraNodes).toBe(9);
      expect(r.pdbViolations).toBe(0);
      expect(r.podsLost).toBe(0);
      expect(r.minCapacityRatio.az).toBe(FULL_AZ_RATIO);
    }
    // BATCH_SIZE only paces the scale-up: one more health check, no fewer extra instances.
    expect(result("double-then-drain", "equal-budget").makespanSeconds).toBeGreaterThan(
      result("double-then-drain").makespanSeconds,
    );
  });

  it("instance-refresh at its defaults has no drain: pods die with their instances and budgets are broken", () => {
    const r = result("instance-refresh");
    expect(r.podsEvicted).toBe(0);
    expect(r.podsLost).toBeGreaterThan(0);
    expect(r.pdbViolations).toBeGreaterThan(0);
    expect(r.pdbDeficitPodSeconds).toBeGreaterThan(0);
    expect(r.maxExtraNodes).toBe(0);
    expect(r.extraInstanceSeconds).toBe(0);
    // It terminates before it launches: an AZ of three nodes runs on two meanwhile.
    expect(r.minCapacityRatio.az).toBeLessThan(FULL_AZ_RATIO);
    // Warm-up defaults to the group's health check grace period (300 s in the sandbox).
    expect(r.notes).toContain("MinHealthyPercentage 90: 1 instance(s) at a time, warm-up 300 s");
  });

  it("instance-refresh with a draining terminate hook keeps every budget, three instances at a time", () => {
    const r = result("instance-refresh", "equal-budget");
    expect(r.notes).toContain(
      "MinHealthyPercentage 56: 3 instance(s) at a time, warm-up 300 s, terminate hook drains first",
    );
    expect(r.podsLost).toBe(0);
    expect(r.pdbViolations).toBe(0);
    expect(r.podsEvicted).toBeGreaterThan(0);
    // Replacements launch while the old instances wait in Terminating:Wait.
    expect(r.maxExtraNodes).toBe(3);
  });

  it("one-by-one surges maxSurge nodes and drains without breaking a budget", () => {
    expect(result("one-by-one").maxExtraNodes).toBe(1);
    expect(result("one-by-one", "equal-budget").maxExtraNodes).toBe(3);
    for (const variant of ["defaults", "equal-budget"] as const) {
      const r = result("one-by-one", variant);
      expect(r.pdbViolations).toBe(0);
      expect(r.podsLost).toBe(0);
      expect(r.makespanSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
    }
    expect(result("one-by-one", "equal-budget").makespanSeconds).toBeLessThan(result("one-by-one").makespanSeconds);
  });

  it("karpenter-drift pre-spins a replacement per disrupted node within its NodePool budget", () => {
    expect(result("karpenter-drift").maxExtraNodes).toBe(1); // 10% of 9, rounded up
    expect(result("karpenter-drift", "equal-budget").maxExtraNodes).toBe(3);
    for (const variant of ["defaults", "equal-budget"] as const) {
      const r = result("karpenter-drift", variant);
      expect(r.pdbViolations).toBe(0);
      expect(r.podsLost).toBe(0);
      expect(r.podsEvicted).toBeGreaterThan(0);
    }
  });

  it("a single surge node is slower than a surge of one per AZ or more", () => {
    expect(result("one-by-one").makespanSeconds).toBeGreaterThan(result("double-then-drain").makespanSeconds);
  });
});
