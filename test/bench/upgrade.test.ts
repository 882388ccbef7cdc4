import { describe, expect, it } from "vitest";
import { runUpgradeCase, upgradeTable } from "../../bench/upgrade";
import { loadScenario } from "../../src/sandbox/scenario/load";

describe("upgrade bench", () => {
  it("measures the upgrade scenario: fewer node replacements than rolling every group at every step, both simulated", async () => {
    const figures = await runUpgradeCase(loadScenario("upgrade"), "1.33");
    expect(figures.outcome, figures.reason).toBe("succeeded");
    expect(figures.figureDisagreements).toEqual([]);
    // The baseline is run (one minor per run, every group rolled each time), not computed.
    expect(figures.naiveOutcome).toBe("succeeded");
    expect(figures.naiveNodeReplacementsComputed).toBe(27);
    // Counted from terminated instances: the managed group's surge nodes go too, so both exceed the arithmetic.
    expect(figures.nodeReplacements).toBeGreaterThanOrEqual(15);
    expect(figures.naiveNodeReplacements).toBeGreaterThanOrEqual(27);
    expect(figures.nodeReplacements).toBeLessThan(figures.naiveNodeReplacements);
    expect(figures.makespanSeconds).toBeGreaterThan(3 * 600);
    expect(figures.pdbViolations).toBe(0);
    const table = upgradeTable([figures]);
    expect(table).toMatch(/upgrade 1\.30 → 1\.33: succeeded/);
    expect(table).toMatch(
      new RegExp(
        `node replacements ${figures.nodeReplacements} \\(every group after every step, simulated: ${figures.naiveNodeReplacements}, succeeded; computed: 27\\)`,
      ),
    );
  });
});
