import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../../src/sandbox/scenario/load";

const cluster = {
  name: "demo",
  kind: "eks",
  version: "1.30",
  nodeGroups: [{ name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 1 } }],
};

function parse(timing: unknown, workload?: Record<string, unknown>) {
  return parseScenario(
    {
      timing,
      cluster: { ...cluster, workloads: workload ? [{ kind: "Deployment", name: "web", ...workload }] : [] },
    },
    "test.json",
  );
}

describe("scenario timing", () => {
  it("accepts a plain number, a uniform and a log-normal, with or without a tail", () => {
    const scenario = parse({
      instanceBootSeconds: 75,
      nodeReadySeconds: { min: 20, max: 40 },
      podStartSeconds: { p50: 3, p90: 6, slowFraction: 0.05, slowFactor: 4 },
    });
    expect(scenario.timing.instanceBootSeconds).toBe(75);
    expect(scenario.timing.nodeReadySeconds).toEqual({ min: 20, max: 40 });
    expect(scenario.timing.podStartSeconds).toEqual({ p50: 3, p90: 6, slowFraction: 0.05, slowFactor: 4 });
  });

  it("defaults every timing to a distribution", () => {
    const { timing } = parse({});
    expect(timing.instanceBootSeconds).toEqual({ min: 60, max: 120 });
    for (const value of Object.values(timing)) expect(typeof value).toBe("object");
  });

  it.each([
    [{ instanceBootSeconds: -1 }, "timing.instanceBootSeconds", "a number of seconds ≥ 0"],
    [{ instanceBootSeconds: "60" }, "timing.instanceBootSeconds", '{ "min", "max" } (uniform)'],
    [{ nodeReadySeconds: { min: 40, max: 20 } }, "timing.nodeReadySeconds", "0 ≤ min ≤ max; got min 40, max 20"],
    [{ podStartSeconds: { p50: 5 } }, "timing.podStartSeconds", 'needs numbers "p50" and "p90"'],
    [{ podStartSeconds: { p50: 5, p90: 3 } }, "timing.podStartSeconds", "0 < p50 ≤ p90"],
    [{ awsCallSeconds: { min: 1, max: 2, p50: 1, p90: 2 } }, "timing.awsCallSeconds", "not both"],
    [
      { kubeCallSeconds: { min: 1, max: 2, slowFraction: 0.1 } },
      "timing.kubeCallSeconds",
      '"slowFraction" and "slowFactor" go together',
    ],
    [
      { stepSeconds: { min: 1, max: 2, slowFraction: 2, slowFactor: 3 } },
      "timing.stepSeconds",
      '"slowFraction" must be a number from 0 to 1',
    ],
    [
      { stepSeconds: { min: 1, max: 2, slowFraction: 0.1, slowFactor: 0.5 } },
      "timing.stepSeconds",
      '"slowFactor" must be a number ≥ 1',
    ],
    [{ stepSeconds: { mean: 1 } }, "timing.stepSeconds", 'unknown field(s) "mean"'],
  ])("refuses %j naming the field and the expected shape", (timing, field, expected) => {
    expect(() => parse(timing)).toThrow(`${field}: `);
    expect(() => parse(timing)).toThrow(expected);
  });

  it("accepts distributions for a workload's start and shutdown", () => {
    const scenario = parse({}, { startSeconds: { p50: 8, p90: 15 }, shutdownSeconds: { min: 5, max: 25 } });
    expect(scenario.cluster.workloads[0]?.startSeconds).toEqual({ p50: 8, p90: 15 });
    expect(() => parse({}, { shutdownSeconds: { min: 5 } })).toThrow("cluster.workloads.0.shutdownSeconds: ");
  });
});
