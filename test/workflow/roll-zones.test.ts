import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unevenZonesScenario } from "../../bench/uneven-zones";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { cordonedLiveNodes, scenarioWith } from "./helpers";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];

describe("roll-node-group on groups whose AZs differ in size", () => {
  // One unit of bench/uneven-zones.ts (150 nodes there, with its figures in bench/README.md): the same
  // AZ proportions, pods per node and PDBs, and a default surge of one node per AZ per unit, so each AZ
  // holds as many surges' worth of outdated nodes (6, 10, 14) as at five times the size and they run
  // out in the same order.
  it("rolls a 30-node group spread 14/6/10 (25 pods per node, PDBs of 10%, 80% and 1) with no violation", async () => {
    const scenario = unevenZonesScenario(1);
    const { result, sandbox, timeline } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers", drainTimeoutSeconds: 3600 },
      keepOpen: true,
    });
    try {
      expect(result.outcome, result.reason).toBe("succeeded");
      expect(result.nodesOutdatedBefore).toBe(30);
      expect(result.nodesReplaced).toBe(30);
      expect(result.nodesOutdatedAfter).toBe(0);
      expect(result.pdbViolations).toBe(0);
      expect(result.podsLost).toBe(0);
      expect(result.figureDisagreements).toEqual([]);
      // No AZ ever had fewer Ready schedulable nodes than at the start, as the world sampled them (the
      // capacity ratio is no measure here: it spreads each workload's demand evenly over the AZs, which an
      // uneven group never matched, before the roll as after).
      const floors: Record<string, number> = { "us-east-1a": 14, "us-east-1b": 6, "us-east-1c": 10 };
      expect(timeline.samples.length).toBeGreaterThan(10);
      for (const sample of timeline.samples) {
        for (const [zone, counts] of Object.entries(sample.byZone)) {
          expect(counts.old + counts.new, `${zone} at ${sample.atMs} ms`).toBeGreaterThanOrEqual(floors[zone] ?? 0);
        }
      }
      // Every AZ keeps its size: replacements landed where their victims were.
      const byZone: Record<string, number> = {};
      for (const node of sandbox.cluster.nodes().filter((n) => !n.shuttingDown && n.nodeGroup === "workers"))
        byZone[node.availabilityZone] = (byZone[node.availabilityZone] ?? 0) + 1;
      expect(byZone).toEqual({ "us-east-1a": 14, "us-east-1b": 6, "us-east-1c": 10 });
      expect(result.makespanSeconds).toBeGreaterThan(result.lowerBoundSeconds);
    } finally {
      await sandbox.close();
    }
  });

  it("replaces every outdated node with no PDB violation, whatever the number and sizes of the AZs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((zoneCount) =>
            fc.array(fc.integer({ min: 1, max: 4 }), { minLength: zoneCount, maxLength: zoneCount }),
          ),
        fc.integer({ min: 1, max: 1_000 }),
        async (sizes, seed) => {
          const zones = Object.fromEntries(sizes.map((size, i) => [ZONES[i] as string, size]));
          const scenario = scenarioWith("small", (raw) => {
            raw.seed = seed;
            raw.cluster.nodeGroups[0].zones = zones;
          });
          const { result, sandbox } = await rollInSandbox({
            scenario,
            request: { cluster: "demo", nodeGroup: "workers" },
            keepOpen: true,
          });
          try {
            const total = sizes.reduce((a, b) => a + b, 0);
            expect(result.outcome, `${JSON.stringify(zones)}: ${result.reason}`).toBe("succeeded");
            expect(result.nodesReplaced).toBe(total);
            expect(result.nodesOutdatedAfter).toBe(0);
            expect(result.pdbViolations).toBe(0);
            expect(result.podsLost).toBe(0);
            expect(result.figureDisagreements).toEqual([]);
            expect(cordonedLiveNodes(sandbox)).toEqual([]);
          } finally {
            await sandbox.close();
          }
        },
      ),
      { numRuns: 3, seed: 12 },
    );
  }, 300_000);
});
