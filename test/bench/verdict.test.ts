/** The per-scenario verdict of `npm run bench`, and the timing mode it is reported under. */
import { describe, expect, it } from "vitest";
import type { StrategyResult } from "../../bench/run-strategy";
import type { StrategyName } from "../../bench/strategies/types";
import { timingMode } from "../../bench/timing-mode";
import { isSafe, scenarioVerdict } from "../../bench/verdict";
import { loadScenario } from "../../src/sandbox/scenario/load";

function row(
  name: StrategyName,
  variant: StrategyResult["variant"],
  makespanSeconds: number,
  more: Partial<StrategyResult> = {},
): StrategyResult {
  return {
    name,
    variant,
    completed: true,
    nodesOutdatedBefore: 9,
    nodesOutdatedAfter: 0,
    makespanSeconds,
    lowerBoundSeconds: 0,
    maxExtraNodes: 3,
    extraInstanceSeconds: 0,
    pdbViolations: 0,
    podsLost: 0,
    podsEvicted: 0,
    podUnavailableSeconds: 0,
    zonalPodPendingSeconds: 0,
    minCapacityRatio: { az: 1, cluster: 1 },
    pdbDeficitPodSeconds: 0,
    pdbDeficitPodSecondsByPdb: {},
    apiCalls: { aws: 0, kubernetes: 0 },
    stateTransitions: 0,
    notes: [],
    ...more,
  };
}

describe("isSafe", () => {
  it("is a completed run with no PDB violation and no pod lost", () => {
    expect(isSafe(row("one-by-one", "defaults", 100))).toBe(true);
    expect(isSafe(row("one-by-one", "defaults", 100, { completed: false }))).toBe(false);
    expect(isSafe(row("one-by-one", "defaults", 100, { pdbViolations: 1 }))).toBe(false);
    expect(isSafe(row("one-by-one", "defaults", 100, { podsLost: 2 }))).toBe(false);
  });
});

describe("scenarioVerdict", () => {
  const tugboat = row("tugboat", "defaults", 500, {
    lowerBoundSeconds: 400,
    minCapacityRatio: { az: 0.9, cluster: 1 },
  });

  it("compares Tugboat with its bound and with the fastest safe peer of each variant, skipping unsafe ones", () => {
    const verdict = scenarioVerdict([
      tugboat,
      // Quicker than every other peer at defaults, but it lost pods: not a safe peer.
      row("double-then-drain", "defaults", 300, { podsLost: 4 }),
      row("eks-managed", "defaults", 1250),
      row("one-by-one", "defaults", 2000),
      // Quicker at equal budget, but it violated a PDB.
      row("karpenter-drift", "equal-budget", 350, { pdbViolations: 1 }),
      row("instance-refresh", "equal-budget", 700, { completed: false }),
      row("eks-managed", "equal-budget", 800, { minCapacityRatio: { az: 0.7, cluster: 0.9 } }),
      row("one-by-one", "equal-budget", 900, { minCapacityRatio: { az: 0.95, cluster: 1 } }),
    ]);
    expect(verdict).toEqual({
      tugboatSafe: true,
      tugboatOverBound: 1.25,
      fastestSafePeerAtDefaults: { name: "eks-managed", makespanSeconds: 1250 },
      tugboatOverFastestSafeDefaults: 0.4,
      fastestSafePeerAtEqualBudget: { name: "eks-managed", makespanSeconds: 800, minCapacityRatioAz: 0.7 },
      tugboatVsEqualBudget: { faster: true, higherMinCapacity: true },
    });
  });

  it("says when a peer at equal budget is faster or keeps more capacity, and when Tugboat itself was not safe", () => {
    const verdict = scenarioVerdict([
      row("tugboat", "defaults", 500, { lowerBoundSeconds: 400, pdbViolations: 1 }),
      row("karpenter-drift", "equal-budget", 450, { minCapacityRatio: { az: 1.1, cluster: 1.2 } }),
    ]);
    expect(verdict).toMatchObject({
      tugboatSafe: false,
      fastestSafePeerAtDefaults: null,
      tugboatOverFastestSafeDefaults: null,
      fastestSafePeerAtEqualBudget: { name: "karpenter-drift", makespanSeconds: 450, minCapacityRatioAz: 1.1 },
      tugboatVsEqualBudget: { faster: false, higherMinCapacity: false },
    });
  });

  it("gives no ratio against a zero bound, no comparison without a safe peer, and no verdict without Tugboat", () => {
    const verdict = scenarioVerdict([
      row("tugboat", "defaults", 500),
      row("one-by-one", "equal-budget", 9, { podsLost: 1 }),
    ]);
    expect(verdict).toMatchObject({
      tugboatOverBound: null,
      fastestSafePeerAtEqualBudget: null,
      tugboatVsEqualBudget: null,
    });
    expect(scenarioVerdict([row("one-by-one", "defaults", 100)])).toBeNull();
  });

  it("gives a roll that did not complete no ratio to its bound: it stopped before doing the bound's work", () => {
    const failed = row("tugboat", "defaults", 400, { completed: false, lowerBoundSeconds: 400 });
    expect(scenarioVerdict([failed])).toMatchObject({ tugboatSafe: false, tugboatOverBound: null });
  });
});

describe("timingMode", () => {
  it("is sampled for the built-in scenarios, exact once every timing is a plain number", () => {
    const scenario = loadScenario("small");
    expect(timingMode(scenario)).toBe("sampled");
    const exactTiming = Object.fromEntries(Object.keys(scenario.timing).map((k) => [k, 1])) as typeof scenario.timing;
    const workloads = scenario.cluster.workloads.map(({ startSeconds, shutdownSeconds, ...w }) => w);
    const exact = { ...scenario, timing: exactTiming, cluster: { ...scenario.cluster, workloads } };
    expect(timingMode(exact)).toBe("exact");
    const oneSampledStart = {
      ...exact,
      cluster: {
        ...exact.cluster,
        workloads: workloads.map((w, i) => (i === 0 ? { ...w, startSeconds: { min: 1, max: 2 } } : w)),
      },
    };
    expect(timingMode(oneSampledStart)).toBe(workloads.length > 0 ? "sampled" : "exact");
  });
});
