import { describe, expect, it } from "vitest";
import { lowerBoundSeconds } from "../../../src/sandbox/lower-bound";
import { parseScenario } from "../../../src/sandbox/scenario/load";
import type { SampledRun } from "../../../src/sandbox/timing/records";
import { PLAIN_TIMING } from "../../support/plain-timing";

// biome-ignore lint/suspicious/noExplicitAny: scenario input as a file spells it.
function scenario(timing: any, workloads: any[]) {
  return parseScenario(
    {
      timing,
      cluster: {
        name: "demo",
        kind: "eks",
        version: "1.30",
        nodeGroups: [{ name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 6 } }],
        workloads,
      },
    },
    "bound.json",
  );
}

const web = { kind: "Deployment", name: "web", replicas: 6, shutdownSeconds: 10, pdb: { maxUnavailable: 1 } };
const nodes = Array.from({ length: 6 }, (_, i) => ({
  name: `node-${i}`,
  workloads: [{ namespace: "default", name: "web" }],
}));
const nothingSampled: SampledRun = { joinSeconds: [], shutdownsByNode: new Map(), byWorkload: new Map() };

describe("lowerBoundSeconds", () => {
  it("is the constant formula when timings are plain numbers", () => {
    const s = scenario(PLAIN_TIMING, [web]);
    // Surge-limited: ceil(6 / 2) × (60 + 30 + 10) = 300; PDB-limited: 90 + 6 × 5 = 120.
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: nodes, maxExtraNodes: 2, sampled: nothingSampled })).toBe(
      300,
    );
    const sampled: SampledRun = {
      joinSeconds: Array(6).fill(90),
      shutdownsByNode: new Map(nodes.map((n) => [n.name, [10]])),
      byWorkload: new Map([["default/web", { start: Array(6).fill(5), attach: [], shutdown: Array(6).fill(10) }]]),
    };
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: nodes, maxExtraNodes: 2, sampled })).toBe(300);
  });

  it("uses the run's own sampled joins: the shortest chain and the average over the surge", () => {
    const s = scenario({ instanceBootSeconds: { min: 60, max: 120 }, nodeReadySeconds: { p50: 30, p90: 45 } }, [web]);
    const sampled: SampledRun = {
      // Two fast replacements and four slow ones; a seventh instance launched but never replaced anything.
      joinSeconds: [200, 80, 200, 200, 90, 200, 300],
      shutdownsByNode: new Map(nodes.map((n, i) => [n.name, [10 + i]])),
      byWorkload: new Map(),
    };
    // D = 10 (node-0's drain). Chain of k = 3: 80 + 90 + 200 + 3 × 10 = 400.
    // Spread: (80 + 90 + 200 × 4 + 6 × 10) / 2 = 515, the larger.
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: nodes, maxExtraNodes: 2, sampled })).toBe(515);
    // With six extra nodes, one replacement per chain: the spread (80 + 90 + 4 × 200 + 6 × 10) / 6 ≈ 172
    // is larger than the shortest chain (80 + 10).
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: nodes, maxExtraNodes: 6, sampled })).toBe(172);
  });

  it("counts missing samples at the distribution's floor", () => {
    const s = scenario({ instanceBootSeconds: { min: 60, max: 120 }, nodeReadySeconds: { p50: 30, p90: 45 } }, [web]);
    // Floors: boot 60, Ready 0 (log-normal), drain 10: ceil(6 / 3) × 70 = 140.
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: nodes, maxExtraNodes: 3, sampled: nothingSampled })).toBe(
      140,
    );
  });

  it("chains a StatefulSet's sampled shutdowns, starts and attaches behind its budget", () => {
    const db = {
      kind: "StatefulSet",
      name: "db",
      replicas: 3,
      zonalVolumes: true,
      terminationGracePeriodSeconds: 60,
      shutdownSeconds: { min: 10, max: 30 },
      pdb: { minAvailable: 2 },
    };
    const s = scenario({ ...PLAIN_TIMING, volumeAttachSeconds: { p50: 15, p90: 30 } }, [db]);
    const dbNodes = nodes.slice(0, 3).map((n) => ({ name: n.name, workloads: [{ namespace: "default", name: "db" }] }));
    const sampled: SampledRun = {
      joinSeconds: [90, 90, 90],
      shutdownsByNode: new Map([
        ["node-0", [12]],
        ["node-1", [25]],
        ["node-2", [29]],
      ]),
      byWorkload: new Map([["default/db", { start: [5, 5, 5], attach: [20, 14, 40], shutdown: [12, 25, 29] }]]),
    };
    // PDB-limited: 90 + (12 + 25 + 29) + 3 × 5 + (14 + 20 + 40) = 245; surge-limited: 3 × (90 + 12) = 306.
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: dbNodes, maxExtraNodes: 1, sampled })).toBe(306);
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: dbNodes, maxExtraNodes: 3, sampled })).toBe(245);
  });

  it("restarts an OrderedReady StatefulSet's pods one at a time, however many its budget lets go", () => {
    const cache = {
      kind: "StatefulSet",
      name: "cache",
      replicas: 6,
      zonalVolumes: true,
      shutdownSeconds: 10,
      pdb: { maxUnavailable: 3 },
    };
    const s = scenario({ ...PLAIN_TIMING, volumeAttachSeconds: 15 }, [cache]);
    const cacheNodes = nodes.map((n) => ({ name: n.name, workloads: [{ namespace: "default", name: "cache" }] }));
    const sampled: SampledRun = {
      joinSeconds: [90, 90, 90, 90, 90, 90],
      shutdownsByNode: new Map(),
      byWorkload: new Map([
        [
          "default/cache",
          { start: [4, 6, 5, 5, 7, 3], attach: [15, 12, 18, 15, 20, 11], shutdown: [10, 9, 11, 10, 10, 12] },
        ],
      ]),
    };
    // Two rounds of three behind the budget would be 90 + (9 + 10) + (3 + 4) + (11 + 12) = 139; one ordinal at
    // a time: 90 + 9 + (4 + 6 + 5 + 5 + 7 + 3) + (15 + 12 + 18 + 15 + 20 + 11) = 220.
    expect(lowerBoundSeconds({ scenario: s, outdatedNodes: cacheNodes, maxExtraNodes: 6, sampled })).toBe(220);
  });
});
