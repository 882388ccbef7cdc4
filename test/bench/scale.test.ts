/** The scale run's figures, on a scenario small enough for a test (the benchmark itself uses `huge`). */
import { describe, expect, it } from "vitest";
import { runScale } from "../../bench/scale";
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";

describe("runScale", () => {
  it("reports the Step Functions figures of Tugboat's roll, per replaced node", async () => {
    const figures = await runScale({ scenario: loadScenario("small") });
    expect(figures).toMatchObject({ scenario: "small", nodes: 9, outcome: "succeeded", nodesReplaced: 9 });
    expect(figures.reason).toBeUndefined();
    expect(figures.maxHistoryEventsPerExecution).toBeGreaterThan(0);
    expect(figures.maxHistoryEventsPerExecution).toBeLessThan(25_000);
    expect(figures.maxStatePayloadBytes).toBeGreaterThan(0);
    expect(figures.maxStatePayloadBytes).toBeLessThan(256 * 1024);
    expect(figures.longestStepSeconds).toBeGreaterThan(0);
    expect(figures.stateTransitionsPerNode).toBeGreaterThan(1);
    expect(figures.awsApiCallsPerNode).toBeGreaterThan(1);
    expect(figures.peakRssMb).toBeGreaterThan(0);
  });

  it("passes roll input through, and credits only the nodes a stopped roll replaced", async () => {
    const raw = structuredClone(loadScenario("small")) as unknown as Record<string, unknown>;
    raw.faults = [{ kind: "pdb-blocked", namespace: "default", workload: "web" }];
    const blocked = parseScenario(raw, "small with a blocked PDB");
    const figures = await runScale({ scenario: blocked, request: { drainTimeoutSeconds: 60 } });
    expect(figures.outcome).toBe("failed");
    expect(figures.reason).toMatch(/60 s/);
    expect(figures.nodesReplaced).toBeLessThan(9);
  });
});
