/** `tug predict` and `tug twin capture` from the command line, on the small scenario. */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main";
import { predict } from "../../src/sandbox/predict";
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (line: string) => void out.push(line),
    stderr: (line: string) => void err.push(line),
    interactive: false,
  };
  return { io, out, err };
}

describe("tug predict", () => {
  it("runs the roll on the twin once per seed and ends with the prediction as JSON", async () => {
    const { io, out } = capture();
    const code = await main(["predict", "roll", "demo", "workers", "--sandbox", "small", "--runs", "2", "--json"], io);
    expect(code).toBe(0);
    const last = JSON.parse(out.at(-1) as string);
    expect(Object.keys(last).sort()).toEqual([
      "makespanSeconds",
      "minCapacityRatio",
      "pdbBlockedSeconds",
      "runs",
      "stalls",
    ]);
    expect(last.runs).toBe(2);
    expect(last.makespanSeconds.p50).toBeGreaterThan(0);
    expect(last.makespanSeconds.p90).toBeGreaterThanOrEqual(last.makespanSeconds.p50);
    expect(last.pdbBlockedSeconds.p90).toBeGreaterThanOrEqual(last.pdbBlockedSeconds.p50);
    // The small scenario's web tier allows one disruption at a time: some evictions are refused.
    expect(last.pdbBlockedSeconds.p90).toBeGreaterThan(0);
    expect(last.minCapacityRatio).toBeGreaterThan(0);
    expect(last.stalls.length).toBeGreaterThan(0);
    expect(last.stalls[0]).toMatchObject({
      state: expect.any(String),
      runs: expect.any(Number),
      why: expect.any(String),
    });
  });

  it("draws the same figures whether its runs share one process or are spread over two", async () => {
    const what = { workflow: "roll" as const, request: { cluster: "demo", nodeGroup: "workers" } };
    const scenario = loadScenario("small");
    const alone = await predict(scenario, what, 2, { workers: 1 });
    const spread = await predict(scenario, what, 2, { workers: 2 });
    expect(spread).toEqual(alone);
    // Two seeds, two different draws: the runs are not one run counted twice.
    expect(alone.makespanSeconds.p90).toBeGreaterThan(alone.makespanSeconds.p50);
  });

  it("predicts a rebalance: how long the zones take to even out, and the worst capacity dip", async () => {
    const { io, out } = capture();
    const code = await main(["predict", "rebalance", "orders", "--sandbox", "rebalance", "--runs", "2", "--json"], io);
    expect(code).toBe(0);
    const last = JSON.parse(out.at(-1) as string);
    expect(last.runs).toBe(2);
    expect(last.makespanSeconds.p50).toBeGreaterThan(0);
    expect(last.minCapacityRatio).toBeGreaterThan(0);
  });

  it("refuses a prediction without a twin, and an unknown workflow", async () => {
    expect(await main(["predict", "roll", "demo", "workers"], capture().io)).toBe(2);
    expect(await main(["predict", "drain", "demo", "--sandbox", "small"], capture().io)).toBe(2);
    expect(await main(["predict", "roll", "demo", "workers", "--sandbox", "small", "--runs", "0"], capture().io)).toBe(
      2,
    );
  });
});

describe("tug twin capture", () => {
  it("writes a scenario file the sandbox loads", async () => {
    const file = join(tmpdir(), `tugboat-twin-${process.pid}.json`);
    try {
      const { io } = capture();
      expect(await main(["twin", "capture", "demo", "--sandbox", "small", "--out", file], io)).toBe(0);
      const scenario = parseScenario(JSON.parse(readFileSync(file, "utf8")), file);
      expect(scenario.cluster.name).toBe("demo");
      expect(scenario.cluster.workloads.map((w) => w.name).sort()).toEqual(["coredns", "db", "node-exporter", "web"]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
