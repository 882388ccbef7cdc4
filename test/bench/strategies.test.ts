/**
 * The competing strategies on the `small` scenario (9 nodes over 3 AZs, all outdated; a web tier
 * with maxUnavailable 1, a zonal database with minAvailable 2): each completes, and its figures say
 * what its design implies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runStrategy, type StrategyResult } from "../../bench/run-strategy";
import { STRATEGIES } from "../../bench/strategies/index";
import { loadScenario } from "../../src/sandbox/scenario/load";

const small = loadScenario("small");
const results: Partial<Record<string, StrategyResult>> = {};

beforeAll(async () => {
  for (const name of ["eks-managed", "double-then-drain", "instance-refresh", "one-by-one"] as const) {
    results[name] = await runStrategy(small, STRATEGIES[name]);
  }
});

function result(name: string): StrategyResult {
  const r = results[name];
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

describe.each(["eks-managed", "double-then-drain", "instance-refresh", "one-by-one"])("%s on small", (name) => {
  it("replaces every outdated node and completes", () => {
    const r = result(name);
    expect(r.reason).toBeUndefined();
    expect(r.completed).toBe(true);
    expect(r.nodesOutdatedBefore).toBe(9);
    expect(r.nodesOutdatedAfter).toBe(0);
  });

  it("is not a workflow, so it has no state transitions, but it did call the APIs and took time", () => {
    const r = result(name);
    expect(r.stateTransitions).toBe(0);
    expect(r.apiCalls.aws).toBeGreaterThan(0);
    expect(r.makespanSeconds).toBeGreaterThan(0);
  });
});

describe("what each design implies", () => {
  it("eks-managed surges twice the AZ count, drains through evictions and keeps every PDB", () => {
    const r = result("eks-managed");
    expect(r.maxExtraNodes).toBe(6);
    expect(r.podsEvicted).toBeGreaterThan(0);
    expect(r.pdbViolations).toBe(0);
    expect(r.podsLost).toBe(0);
    // It cordons every old node once the surge is Ready: each AZ keeps only its 2 new schedulable nodes of 3.
    expect(r.azCapacityFloor).toBeCloseTo(2 / 3, 2);
    expect(r.makespanSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
  });

  it("double-then-drain doubles the group first, then drains without breaking a budget", () => {
    const r = result("double-then-drain");
    expect(r.maxExtraNodes).toBe(9);
    expect(r.pdbViolations).toBe(0);
    expect(r.podsLost).toBe(0);
    expect(r.azCapacityFloor).toBe(1);
    expect(r.makespanSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
  });

  it("instance-refresh has no drain: pods die with their instances and budgets are broken", () => {
    const r = result("instance-refresh");
    expect(r.podsEvicted).toBe(0);
    expect(r.podsLost).toBeGreaterThan(0);
    expect(r.pdbViolations).toBeGreaterThan(0);
    expect(r.maxExtraNodes).toBe(0);
    expect(r.extraInstanceSeconds).toBe(0);
    // It terminates before it launches: an AZ of three nodes runs on two meanwhile.
    expect(r.azCapacityFloor).toBeLessThan(1);
    // Warm-up defaults to the group's health check grace period (300 s in the sandbox).
    expect(r.notes).toContain("1 instance(s) at a time, warm-up 300 s");
  });

  it("one-by-one surges a single node and drains without breaking a budget", () => {
    const r = result("one-by-one");
    expect(r.maxExtraNodes).toBe(1);
    expect(r.pdbViolations).toBe(0);
    expect(r.podsLost).toBe(0);
    expect(r.makespanSeconds).toBeGreaterThanOrEqual(r.lowerBoundSeconds);
  });

  it("a single surge node is slower than a surge of one per AZ or more", () => {
    expect(result("one-by-one").makespanSeconds).toBeGreaterThan(result("double-then-drain").makespanSeconds);
  });
});
