/**
 * The shared measurement: Tugboat's roll measured by bench/measure.ts gives the figures the sandbox
 * roll itself reports, a seeded random strategy repeats itself, and a strategy that gives up is
 * counted as not completed, with its reason.
 */
import { describe, expect, it } from "vitest";
import { startMeasurement } from "../../bench/measure";
import { benchGroup, runStrategy } from "../../bench/run-strategy";
import { STRATEGIES } from "../../bench/strategies/index";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";

const small = loadScenario("small");

describe("measure", () => {
  it("measures Tugboat's roll as the sandbox roll reports it", async () => {
    const sandbox = await Sandbox.start(small);
    try {
      const group = benchGroup(small);
      const measurement = await startMeasurement(sandbox, group);
      const { result } = await rollInSandbox({ scenario: small, request: group, sandbox });
      const figures = await measurement.finish({ stateTransitions: result.stateTransitions });

      expect(result.outcome).toBe("succeeded");
      expect(figures.completed).toBe(true);
      expect(figures.nodesOutdatedBefore).toBe(result.nodesOutdatedBefore);
      expect(figures.nodesOutdatedAfter).toBe(0);
      expect(figures.makespanSeconds).toBe(result.makespanSeconds);
      expect(figures.lowerBoundSeconds).toBe(result.lowerBoundSeconds);
      expect(figures.maxExtraNodes).toBe(result.maxExtraNodes);
      expect(figures.extraInstanceSeconds).toBe(result.extraInstanceSeconds);
      expect(figures.pdbViolations).toBe(result.pdbViolations);
      expect(figures.podsLost).toBe(result.podsLost);
      expect(figures.podsEvicted).toBe(result.podsEvicted);
      expect(figures.podUnavailableSeconds).toBe(result.podUnavailableSeconds);
      expect(figures.minCapacityRatio).toEqual(result.minCapacityRatio);
      expect(figures.pdbDeficitPodSeconds).toBe(result.pdbDeficitPodSeconds);
      expect(figures.stateTransitions).toBe(result.stateTransitions);
      // The measurement starts before the sandbox roll's own first read of the group.
      expect(figures.apiCalls.aws).toBeGreaterThanOrEqual(result.apiCalls.aws);
      expect(figures.apiCalls.kubernetes).toBeGreaterThanOrEqual(result.apiCalls.kubernetes);
      expect(result.figureDisagreements).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it("gives the same figures twice for a strategy that picks victims at random (seeded)", async () => {
    const first = await runStrategy(small, STRATEGIES["eks-managed"]);
    const second = await runStrategy(small, STRATEGIES["eks-managed"]);
    expect(second).toEqual(first);
  });

  it("counts a strategy that gives up as not completed, with the tool's own reason", async () => {
    const raw = structuredClone(small) as unknown as Record<string, unknown>;
    // The web tier never becomes Ready again, so its budget refuses every eviction.
    raw.faults = [{ kind: "pdb-blocked", namespace: "default", workload: "web" }];
    const blocked = parseScenario(raw, "small with a blocked PDB");
    const r = await runStrategy(blocked, STRATEGIES["eks-managed"]);
    expect(r.completed).toBe(false);
    expect(r.reason).toMatch(/^PodEvictionFailure: pods still on .* after 9\d\d s \(default\/web-/);
    expect(r.nodesOutdatedAfter).toBeGreaterThan(0);
  });
});
