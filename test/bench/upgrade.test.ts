import { describe, expect, it } from "vitest";
import { runUpgradeCase, upgradeTable } from "../../bench/upgrade";
import { loadScenario } from "../../src/sandbox/scenario/load";

describe("upgrade bench", () => {
  it("measures the upgrade scenario: fewer node replacements than rolling every group at every step, no violations", async () => {
    const figures = await runUpgradeCase(loadScenario("upgrade"), "1.33");
    expect(figures.outcome, figures.reason).toBe("succeeded");
    // system (3 nodes) ×3 + workers (6 nodes) ×1, against every group after each of 3 steps.
    expect(figures.nodeReplacements).toBe(15);
    expect(figures.naiveNodeReplacements).toBe(27);
    expect(figures.makespanSeconds).toBeGreaterThan(3 * 600);
    expect(figures.pdbViolations).toBe(0);
    const table = upgradeTable([figures]);
    expect(table).toMatch(/upgrade 1\.30 → 1\.33: succeeded/);
    expect(table).toMatch(/node replacements 15 \(every group after every step: 27\)/);
  });
});
