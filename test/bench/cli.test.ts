/** `npm run bench`: its arguments, its table, and the JSON on the last line of stdout. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { scenarioTable } from "../../bench/report";
import { BenchUsageError, DEFAULT_SCENARIOS, parseBenchArgs } from "../../bench/run";
import type { StrategyResult } from "../../bench/run-strategy";
import { STRATEGY_NAMES } from "../../bench/strategies/index";
import { scenarioVerdict } from "../../bench/verdict";

describe("parseBenchArgs", () => {
  it("runs every strategy on the default scenarios, then the scale run, by default", () => {
    expect(parseBenchArgs([])).toEqual({
      json: false,
      scenarios: DEFAULT_SCENARIOS,
      strategies: [...STRATEGY_NAMES],
      scale: true,
      upgrades: true,
    });
  });

  it("filters scenarios and strategies; without Tugboat there is no scale run", () => {
    const options = parseBenchArgs([
      "--json",
      "--scenario",
      "small",
      "--strategy",
      "one-by-one",
      "--strategy",
      "eks-managed",
    ]);
    expect(options).toEqual({
      json: true,
      scenarios: ["small"],
      strategies: ["one-by-one", "eks-managed"],
      scale: false,
      upgrades: false,
    });
    expect(parseBenchArgs(["--strategy", "tugboat", "--no-scale"]).scale).toBe(false);
    expect(parseBenchArgs(["--strategy", "tugboat", "--no-upgrade"]).upgrades).toBe(false);
  });

  it("refuses an unknown strategy or flag, naming it and listing the strategies", () => {
    expect(() => parseBenchArgs(["--strategy", "karpenter"])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(["--strategy", "karpenter"])).toThrow(
      /unknown strategy "karpenter"[\s\S]*karpenter-drift/,
    );
    expect(() => parseBenchArgs(["--fast"])).toThrow(/--fast/);
  });
});

function base(): StrategyResult {
  return {
    name: "one-by-one",
    variant: "defaults",
    budget: 1,
    completed: true,
    nodesOutdatedBefore: 9,
    nodesOutdatedAfter: 0,
    makespanSeconds: 1200,
    lowerBoundSeconds: 900,
    maxExtraNodes: 1,
    extraInstanceSeconds: 1100.5,
    pdbViolations: 0,
    podsLost: 0,
    podsEvicted: 20,
    podUnavailableSeconds: 200,
    zonalPodPendingSeconds: 0,
    minCapacityRatio: { az: 1.5, cluster: 2.25 },
    pdbDeficitPodSeconds: 0,
    pdbDeficitPodSecondsByPdb: {},
    apiCalls: { aws: 70, kubernetes: 250 },
    stateTransitions: 0,
    notes: [],
  };
}

describe("scenarioTable", () => {
  it("prints a row per strategy and says why a run did not complete", () => {
    const row = base();
    const failed: StrategyResult = {
      ...row,
      name: "instance-refresh",
      variant: "equal-budget",
      completed: false,
      reason: "gave up",
      maxExtraNodes: 0,
    };
    const text = scenarioTable({
      name: "small",
      nodes: 9,
      timingMode: "sampled",
      strategies: [row, failed],
      verdict: null,
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("small (9 nodes, sampled timings)");
    expect(lines[1]).toMatch(/^strategy\s+variant\s+budget\s+done\s+makespan s\s+bound s\s+×bound/);
    expect(lines[2]).toMatch(/^one-by-one\s+defaults\s+1\s+yes\s+1200\s+900\s+1\.33\s+1\s+1100\.5\s/);
    expect(lines[2]).toMatch(/\s1\.50\s+2\.25\s+0\s/);
    // No surge: the surge-first bound does not apply, so no ratio is shown.
    expect(lines[3]).toMatch(/^instance-refresh\s+equal-budget\s+1\s+NO\s+1200\s+900\s+-\s/);
    expect(lines[4]).toBe("  instance-refresh (equal-budget) did not complete: gave up");
    expect(lines).toHaveLength(5);
  });

  it("prints Tugboat's prediction, its warm run and the verdict under the table", () => {
    const tugboat: StrategyResult = {
      ...base(),
      name: "tugboat",
      makespanSeconds: 600,
      lowerBoundSeconds: 400,
      maxExtraNodes: 3,
      minCapacityRatio: { az: 1.2, cluster: 1.3 },
      predictedSeconds: 540,
      estimateSource: "defaults",
      predictionError: 0.1,
      warm: {
        makespanSeconds: 610,
        lowerBoundSeconds: 420,
        predictedSeconds: 600,
        estimateSource: "history (1 runs)",
        predictionError: 0.016,
        outcome: "succeeded",
      },
    };
    const peer: StrategyResult = { ...base(), name: "one-by-one", variant: "equal-budget", makespanSeconds: 800 };
    const strategies = [tugboat, peer];
    const text = scenarioTable({
      name: "small",
      nodes: 9,
      timingMode: "exact",
      strategies,
      verdict: scenarioVerdict(strategies),
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("small (9 nodes, exact timings)");
    expect(lines.slice(4)).toEqual([
      "  tugboat: predicted 540 s from defaults (error +10.0%)",
      "  tugboat warm: succeeded, makespan 610 s, bound 420 s, predicted 600 s from history (1 runs) (error +1.6%)",
      "  tugboat: ×1.500 its lower bound",
      "  vs fastest safe peer at defaults: no peer run at defaults was safe",
      "  vs fastest safe peer at equal budget: one-by-one 800 s, cap. AZ 1.50; tugboat faster, NOT higher minimum capacity",
    ]);
  });
});

describe("bin/bench.mjs", () => {
  it("prints one JSON object with the figures on the last line of stdout", () => {
    const run = spawnSync(
      process.execPath,
      ["bin/bench.mjs", "--json", "--scenario", "small", "--strategy", "instance-refresh", "--no-scale"],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    const report = JSON.parse(lines[lines.length - 1] ?? "");
    expect(report.scale).toBeNull();
    expect(report.scenarios).toHaveLength(1);
    expect(report.scenarios[0]).toMatchObject({ name: "small", nodes: 9, timingMode: "sampled", verdict: null });
    // Each peer twice: at its documented defaults, then at Tugboat's disruption budget.
    const [figures, equal] = report.scenarios[0].strategies;
    expect(report.scenarios[0].strategies).toHaveLength(2);
    expect(figures).toMatchObject({
      name: "instance-refresh",
      variant: "defaults",
      completed: true,
      maxExtraNodes: 0,
      stateTransitions: 0,
    });
    expect(equal).toMatchObject({ name: "instance-refresh", variant: "equal-budget", budget: 3, completed: true });
    expect(Object.keys(figures)).toEqual(
      expect.arrayContaining([
        "makespanSeconds",
        "lowerBoundSeconds",
        "extraInstanceSeconds",
        "pdbViolations",
        "podsLost",
        "podUnavailableSeconds",
        "zonalPodPendingSeconds",
        "minCapacityRatio",
        "pdbDeficitPodSeconds",
        "apiCalls",
      ]),
    );
  });

  it("exits 2 with the usage on a bad flag", () => {
    const run = spawnSync(process.execPath, ["bin/bench.mjs", "--strategy", "karpenter"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown strategy "karpenter"/);
  });
});
