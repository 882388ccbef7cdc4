import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_UPDATE, POD_START, REPLACEMENT_READY } from "../../../../src/core/estimates/defaults";
import { estimateOf, estimateSource, fromObservations } from "../../../../src/core/estimates/estimate";
import { mergeObservations, type Observation } from "../../../../src/core/estimates/observations";
import { nextLookSeconds } from "../../../../src/core/estimates/poll";
import { rollEstimates } from "../../../../src/core/estimates/roll-estimates";
import { upgradeEstimates } from "../../../../src/core/estimates/upgrade-estimates";

const obs = (i: number, seconds: number, runId = `run-${i}`, kind: Observation["kind"] = "replacement-ready") => ({
  id: `${runId}/batch-${i}/${kind}`,
  kind,
  seconds,
  runId,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

describe("estimates", () => {
  it("uses the published defaults when nothing was observed, and says so", () => {
    const estimates = rollEstimates([]);
    expect(estimates.replacementReady).toEqual({
      median: REPLACEMENT_READY.median,
      p90: REPLACEMENT_READY.p90,
      samples: 0,
      runs: 0,
    });
    expect(estimates.podStart.median).toBe(POD_START.median);
    expect(estimates.batch).toBeUndefined();
    expect(estimates.source).toBe("defaults");
  });

  it("uses the median and p90 of the history, counting distinct runs", () => {
    const history = [obs(1, 80, "a"), obs(2, 90, "a"), obs(3, 100, "b"), obs(4, 110, "b"), obs(5, 120, "c")];
    const estimate = estimateOf(history, "replacement-ready", REPLACEMENT_READY);
    expect(estimate).toEqual({ median: 100, p90: 120, samples: 5, runs: 3 });
    expect(rollEstimates(history).source).toBe("history (3 runs)");
    // Other kinds without observations keep their defaults.
    expect(rollEstimates(history).podStart.samples).toBe(0);
  });

  it("is robust to an outlier: one stuck boot moves the p90, not the median", () => {
    const steady = [90, 92, 94, 96, 98, 100, 102, 104, 106].map((s, i) => obs(i, s));
    const withOutlier = [...steady, obs(99, 3_600)];
    const before = fromObservations(steady, "replacement-ready");
    const after = fromObservations(withOutlier, "replacement-ready");
    expect(after?.median).toBeGreaterThanOrEqual(before?.median ?? 0);
    expect(after?.median).toBeLessThanOrEqual(100);
    expect(after?.p90).toBeLessThan(3_600);
  });

  it("keeps only the newest observations of each kind (bounded)", () => {
    let history: Observation[] = [];
    for (let i = 0; i < 50; i++) history = mergeObservations(history, [obs(i, i)], 20);
    history = mergeObservations(history, [obs(0, 7, "other", "pod-start")], 20);
    const ready = history.filter((o) => o.kind === "replacement-ready");
    expect(ready).toHaveLength(20);
    expect(ready.map((o) => o.seconds)).toEqual([...Array(20).keys()].map((i) => i + 30));
    expect(history.filter((o) => o.kind === "pod-start")).toHaveLength(1);
  });

  it("records idempotently: the same ids recorded again change nothing", () => {
    const first = mergeObservations([], [obs(1, 80), obs(2, 90)]);
    const retried = mergeObservations(first, [{ ...obs(2, 95), at: new Date(Date.UTC(2027, 0, 1)).toISOString() }]);
    expect(retried).toEqual(first);
    expect(estimateSource(retried, [fromObservations(retried, "replacement-ready")])).toBe("history (2 runs)");
  });

  it("looks first at the expected time, then backs off ×1.5 up to the cap", () => {
    expect(nextLookSeconds({ elapsedSeconds: 0, expectedSeconds: 65 })).toBe(65);
    expect(nextLookSeconds({ elapsedSeconds: 40, expectedSeconds: 65 })).toBe(25);
    const looks: number[] = [];
    let elapsed = 65;
    while (elapsed < 400) {
      const wait = nextLookSeconds({ elapsedSeconds: elapsed, expectedSeconds: 65 });
      looks.push(wait);
      elapsed += wait;
    }
    expect(looks.slice(0, 3)).toEqual([2, 2, 2]);
    for (let i = 1; i < looks.length; i++) expect(looks[i]).toBeGreaterThanOrEqual(looks[i - 1] as number);
    expect(Math.max(...looks)).toBe(30);
  });

  it("looks evenly between the median and the p90, where the event most likely lands, then backs off", () => {
    const looks: number[] = [];
    let elapsed = 0;
    while (elapsed < 200) {
      const wait = nextLookSeconds({ elapsedSeconds: elapsed, expectedSeconds: 65, slowSeconds: 120 });
      looks.push(elapsed + wait);
      elapsed += wait;
    }
    expect(looks[0]).toBe(65);
    const dense = looks.filter((at) => at > 65 && at <= 120);
    expect(dense.length).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < dense.length; i++) expect((dense[i] as number) - (dense[i - 1] as number)).toBe(3);
    const late = looks.filter((at) => at > 125);
    expect((late[late.length - 1] as number) - (late[late.length - 2] as number)).toBeGreaterThan(3);
  });

  it("estimates an upgrade from the cluster's and its groups' histories, counting every run once", () => {
    const cold = upgradeEstimates([], { workers: [] });
    expect(cold.source).toBe("defaults");
    expect(cold.controlPlaneUpdate.median).toBe(CONTROL_PLANE_UPDATE.median);
    const warm = upgradeEstimates(
      [obs(1, 700, "up-1", "control-plane-update"), obs(2, 760, "up-2", "control-plane-update")],
      {
        workers: [obs(3, 130, "up-1", "batch")],
      },
    );
    expect(warm.controlPlaneUpdate).toMatchObject({ median: 730, samples: 2, runs: 2 });
    expect(warm.groups.workers?.batch?.median).toBe(130);
    expect(warm.source).toBe("history (2 runs)");
  });
});
