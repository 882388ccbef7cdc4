/** Tugboat's bench driver: its prediction, cold and warm, and a warm mode that leaves the measured sandbox alone. */
import { describe, expect, it } from "vitest";
import { tugboatRoll, withHistory } from "../../bench/strategies/tugboat";
import { Sandbox } from "../../src/sandbox/sandbox";
import { loadScenario } from "../../src/sandbox/scenario/load";

describe("the tugboat bench driver", () => {
  it("reports the cold prediction from defaults and a warm one from a warm-up roll's history, within 15%", async () => {
    const scenario = loadScenario("small");
    const group = { cluster: "demo", nodeGroup: "workers" };
    const sandbox = await Sandbox.start(scenario);
    try {
      const report = await tugboatRoll(sandbox, group);
      expect(report.prediction?.estimateSource).toBe("defaults");
      expect(report.prediction?.predictedSeconds).toBeGreaterThan(0);
      const warm = report.warm;
      expect(warm?.outcome).toBe("succeeded");
      expect(warm?.estimateSource).toBe("history (1 runs)");
      const error = ((warm?.makespanSeconds ?? 0) - (warm?.predictedSeconds ?? 0)) / (warm?.makespanSeconds ?? 1);
      expect(warm?.predictionError).toBeCloseTo(error, 3);
      expect(Math.abs(warm?.predictionError ?? 1)).toBeLessThanOrEqual(0.15);
      expect(Math.abs(warm?.predictionError ?? 1)).toBeLessThan(Math.abs(report.prediction?.predictionError ?? 0));
      // The measured sandbox holds only its own roll's observations: the warm mode ran elsewhere.
      const runs = new Set((await sandbox.deps.state.listObservations(group)).map((o) => o.runId));
      expect(runs.size).toBe(1);
      expect(report.notes?.some((n) => n.startsWith("warm: makespan"))).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it("keeps a warm-up's runs apart from the measured run's, whose names restart in every sandbox", () => {
    const scenario = loadScenario("small");
    const history = withHistory(scenario, { cluster: "demo", nodeGroup: "workers" }, [
      { id: "roll-node-group-1/batch-0/batch", kind: "batch", seconds: 130, runId: "roll-node-group-1", at: "x" },
    ]);
    expect(history.history?.nodeGroups.workers).toEqual([
      {
        id: "warm-up/roll-node-group-1/batch-0/batch",
        kind: "batch",
        seconds: 130,
        runId: "warm-up/roll-node-group-1",
        at: "x",
      },
    ]);
    expect(scenario.history).toBeUndefined();
  });
});
