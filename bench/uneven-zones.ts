/**
 * A roll of a group whose AZs differ in size (14:6:10 nodes per unit, 25 pods per node, PDBs of 10 %,
 * 80 % and 1). The default surge is one node per AZ per unit (10 % of the group, a multiple of the AZ
 * count), so each AZ holds as many surges' worth of outdated nodes (6, 10, 14) at every size: the
 * smallest runs out first, then the middle one, and the roll finishes in the largest.
 * test/workflow/roll-zones.test.ts rolls one unit (30 nodes); this bench rolls five (150 nodes,
 * 3,750 pods) and reports the figures.
 *
 *   npx tsx bench/uneven-zones.ts              # 150 nodes
 *   npx tsx bench/uneven-zones.ts --units 1    # the test's 30 nodes
 *   npx tsx bench/uneven-zones.ts --json       # one JSON object on the last line
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type RollJson, rollInSandbox } from "../src/sandbox/sandbox-roll";
import { loadScenario, parseScenario } from "../src/sandbox/scenario/load";
import type { Scenario } from "../src/sandbox/scenario/schema";

/** Nodes per AZ in one unit. */
export const UNIT_ZONES: Readonly<Record<string, number>> = { "us-east-1a": 14, "us-east-1b": 6, "us-east-1c": 10 };

/** The `small` scenario's group spread unevenly over three AZs, `units` times the unit's size. */
export function unevenZonesScenario(units: number): Scenario {
  // biome-ignore lint/suspicious/noExplicitAny: the scenario is edited as the raw JSON a user would write.
  const raw = structuredClone(loadScenario("small")) as any;
  const group = raw.cluster.nodeGroups[0];
  group.zones = zoneSizes(units);
  group.podCapacity = 30;
  raw.cluster.workloads = [
    {
      kind: "Deployment",
      namespace: "shop",
      name: "frontend",
      replicas: 500 * units,
      terminationGracePeriodSeconds: 30,
      shutdownSeconds: 10,
      pdb: { maxUnavailable: "10%" },
    },
    {
      kind: "Deployment",
      namespace: "shop",
      name: "checkout",
      replicas: 240 * units,
      terminationGracePeriodSeconds: 30,
      shutdownSeconds: 10,
      pdb: { minAvailable: "80%" },
    },
    {
      kind: "StatefulSet",
      namespace: "data",
      name: "ledger",
      replicas: 10 * units,
      terminationGracePeriodSeconds: 30,
      shutdownSeconds: 5,
      pdb: { maxUnavailable: 1 },
    },
    { kind: "DaemonSet", namespace: "kube-system", name: "node-exporter" },
  ];
  return parseScenario(raw, `small, AZs ${Object.values(zoneSizes(units)).join("/")}`);
}

export function zoneSizes(units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(UNIT_ZONES).map(([zone, nodes]) => [zone, nodes * units]));
}

export interface UnevenRollFigures {
  nodes: number;
  pods: number;
  result: RollJson;
  /** Timeline samples of the group, per AZ: Ready schedulable nodes (old + new). */
  samples: number;
  /** The fewest Ready schedulable nodes an AZ had, less its size at the start, over every sample. */
  minZoneMargin: number;
  /** Live nodes of the group per AZ once the roll ended. */
  nodesByZoneAfter: Record<string, number>;
  wallSeconds: number;
  cpuSeconds: number;
}

export async function rollUnevenZones(units: number): Promise<UnevenRollFigures> {
  const floors = zoneSizes(units);
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const { result, sandbox, timeline } = await rollInSandbox({
    scenario: unevenZonesScenario(units),
    request: { cluster: "demo", nodeGroup: "workers", drainTimeoutSeconds: 3600 },
    keepOpen: true,
  });
  try {
    let minZoneMargin = Number.POSITIVE_INFINITY;
    for (const sample of timeline.samples) {
      for (const [zone, counts] of Object.entries(sample.byZone)) {
        minZoneMargin = Math.min(minZoneMargin, counts.old + counts.new - (floors[zone] ?? 0));
      }
    }
    const nodesByZoneAfter: Record<string, number> = {};
    for (const node of sandbox.cluster.nodes().filter((n) => !n.shuttingDown && n.nodeGroup === "workers")) {
      nodesByZoneAfter[node.availabilityZone] = (nodesByZoneAfter[node.availabilityZone] ?? 0) + 1;
    }
    const cpu = process.cpuUsage(cpuBefore);
    return {
      nodes: Object.values(floors).reduce((a, b) => a + b, 0),
      pods: sandbox.cluster.pods().filter((pod) => pod.workloadKind !== "DaemonSet").length,
      result,
      samples: timeline.samples.length,
      minZoneMargin,
      nodesByZoneAfter,
      wallSeconds: (performance.now() - startedAt) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await sandbox.close();
  }
}

function render(f: UnevenRollFigures): string {
  const r = f.result;
  return [
    `uneven AZs ${Object.entries(f.nodesByZoneAfter)
      .map(([zone, n]) => `${zone.slice(-1)}:${n}`)
      .join(" ")}, ${f.nodes} nodes, ${f.pods} pods: ${r.outcome}${r.reason ? ` (${r.reason})` : ""}`,
    `  replaced ${r.nodesReplaced}/${r.nodesOutdatedBefore} in ${r.batches} batches, outdated after ${r.nodesOutdatedAfter}, PDB violations ${r.pdbViolations}, pods lost ${r.podsLost}`,
    `  fewest Ready nodes in an AZ against its start: ${f.minZoneMargin >= 0 ? "+" : ""}${f.minZoneMargin} (${f.samples} samples)`,
    `  makespan ${r.makespanSeconds} s, lower bound ${r.lowerBoundSeconds} s (×${(r.makespanSeconds / r.lowerBoundSeconds).toFixed(2)})`,
    `  wall ${f.wallSeconds.toFixed(1)} s, CPU ${f.cpuSeconds.toFixed(1)} s`,
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf("--units");
  const units = at >= 0 ? Number(argv[at + 1]) : 5;
  if (!Number.isInteger(units) || units < 1) {
    console.error("--units takes a whole number, at least 1 (one unit is 30 nodes)");
    return 2;
  }
  const figures = await rollUnevenZones(units);
  if (argv.includes("--json")) {
    const { result, ...rest } = figures;
    console.log(
      JSON.stringify({
        ...rest,
        outcome: result.outcome,
        nodesReplaced: result.nodesReplaced,
        pdbViolations: result.pdbViolations,
        podsLost: result.podsLost,
        makespanSeconds: result.makespanSeconds,
        lowerBoundSeconds: result.lowerBoundSeconds,
      }),
    );
  } else console.log(render(figures));
  return figures.result.outcome === "succeeded" && figures.minZoneMargin >= 0 ? 0 : 1;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  process.exitCode = await main(process.argv.slice(2));
}
