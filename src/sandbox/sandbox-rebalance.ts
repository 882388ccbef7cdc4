/**
 * Runs the real rebalance-azs workflow in a sandbox and reports what happened with figures the
 * simulator observes itself: nodes per zone before and after, instances launched into and removed
 * from the worker groups, pods Pending for their volume's zone, PDB violations and pods lost. Only
 * the outcome and the reason are Tugboat's; its own counts are kept apart to be compared.
 */
import { rebalanceAzs } from "../../workflows";
import type { RebalanceRequest } from "../core/rebalance/input";
import type { RebalanceState, RebalanceSummary } from "../core/rebalance/state";
import { CONTROL_PLANE_GROUP } from "./aws/build-from-scenario";
import type { LocalRunOptions, LocalRunResult } from "./runner/local-workflow";
import { type LogLine, Sandbox } from "./sandbox";
import type { Scenario } from "./scenario/schema";

export interface RebalanceJson {
  outcome: RebalanceSummary["outcome"] | "aborted";
  /** Observed: Ready nodes of the worker groups per zone, at the start and at the end. */
  before: Record<string, number>;
  after: Record<string, number>;
  /** Observed: instances launched into the worker groups during the run. */
  launched: number;
  /** Observed: instances of the worker groups (at the start or launched since) gone by the end. */
  removed: number;
  /** Observed: pods whose zonal volume pins them to a zone, Pending without a node. */
  pendingZonalPodsBefore: number;
  pendingZonalPodsAfter: number;
  pdbViolations: number;
  podsLost: number;
  reason?: string;
  cluster: string;
  dryRun: boolean;
  podsEvicted: number;
  evictionsRefusedByPdb: number;
  makespanSeconds: number;
  /** Tugboat's own counts, to be compared with the observed ones. */
  tugboatSummary?: { launched: number; removed: number; moves: number; capacityFailures: Record<string, number> };
  /** Where Tugboat's summary and the world disagree (empty when they agree). */
  figureDisagreements: string[];
  notes: string[];
}

export type RebalanceSandboxRequest = Partial<RebalanceRequest> & { cluster: string };

export interface SandboxRebalanceOptions {
  scenario: Scenario;
  request: RebalanceSandboxRequest;
  sandbox?: Sandbox;
  keepOpen?: boolean;
  run?: Partial<Pick<LocalRunOptions, "executionName" | "crashAfter" | "beforeState" | "onEvent">>;
  onLog?: (line: LogLine) => void;
}

export interface SandboxRebalanceResult {
  result: RebalanceJson;
  run: LocalRunResult;
  sandbox: Sandbox;
}

const ALIVE = new Set(["pending", "running"]);

/** Ready nodes of the worker groups (not the control plane) per zone, every zone of the groups listed. */
export function readyNodesByZone(sandbox: Sandbox): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const group of sandbox.scenario.cluster.nodeGroups)
    for (const zone of Object.keys(group.zones)) counts[zone] = 0;
  for (const node of sandbox.cluster.nodes()) {
    if (node.nodeGroup === CONTROL_PLANE_GROUP || !node.ready) continue;
    counts[node.availabilityZone] = (counts[node.availabilityZone] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Pods pinned to a zone by their volume and Pending without a node. */
export function pendingZonalPods(sandbox: Sandbox): number {
  return sandbox.cluster.pods().filter((p) => p.phase === "Pending" && !p.nodeName && p.volumeZone !== undefined)
    .length;
}

function workerInstances(sandbox: Sandbox) {
  return sandbox.region
    .snapshot()
    .instances.filter((i) => i.groupName !== undefined && i.nodeGroup !== CONTROL_PLANE_GROUP);
}

export async function rebalanceInSandbox(options: SandboxRebalanceOptions): Promise<SandboxRebalanceResult> {
  const { request } = options;
  const sandbox =
    options.sandbox ?? (await Sandbox.start(options.scenario, options.onLog ? { onLog: options.onLog } : {}));
  try {
    const before = readyNodesByZone(sandbox);
    const pendingBefore = pendingZonalPods(sandbox);
    const atStart = workerInstances(sandbox);
    // Instances of earlier runs still on their way out are neither launched nor removed by this one.
    const knownBefore = new Set(atStart.map((i) => i.instanceId));
    const instancesBefore = new Set(atStart.filter((i) => ALIVE.has(i.state)).map((i) => i.instanceId));
    const metricsBefore = sandbox.cluster.metrics();
    // The request only: nothing of the scenario (placement, faults, volumes) reaches Tugboat's input.
    const run = await sandbox.run(rebalanceAzs, request, options.run ?? {});
    const finalState = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as RebalanceState | undefined;
    const summary = finalState?.summary;
    const metricsAfter = sandbox.cluster.metrics();
    const now = workerInstances(sandbox);
    const launched = now.filter((i) => !knownBefore.has(i.instanceId));
    const removed = now.filter(
      (i) => !ALIVE.has(i.state) && (instancesBefore.has(i.instanceId) || launched.includes(i)),
    ).length;
    const crashed = run.status === "ABORTED";
    const outcome: RebalanceJson["outcome"] = crashed ? "aborted" : (summary?.outcome ?? "failed");
    const tugboatSummary = summary
      ? {
          launched: summary.launched,
          removed: summary.removed,
          moves: summary.moves,
          capacityFailures: summary.capacityFailures,
        }
      : undefined;
    const disagreements: string[] = [];
    const changedNothing = request.dryRun || outcome === "refused";
    if (changedNothing && (launched.length > 0 || removed > 0)) {
      disagreements.push(
        `a ${request.dryRun ? "dry run" : "refused run"} changed the groups: ${launched.length} launched, ${removed} removed`,
      );
    }
    if (tugboatSummary && !crashed) {
      if (tugboatSummary.launched !== launched.length) {
        disagreements.push(
          `launched: the summary says ${tugboatSummary.launched}, the world recorded ${launched.length}`,
        );
      }
      if (tugboatSummary.removed !== removed) {
        disagreements.push(`removed: the summary says ${tugboatSummary.removed}, the world recorded ${removed}`);
      }
    }
    const result: RebalanceJson = {
      outcome,
      before,
      after: readyNodesByZone(sandbox),
      launched: launched.length,
      removed,
      pendingZonalPodsBefore: pendingBefore,
      pendingZonalPodsAfter: pendingZonalPods(sandbox),
      pdbViolations: metricsAfter.pdbViolations - metricsBefore.pdbViolations,
      podsLost: metricsAfter.podsLost - metricsBefore.podsLost,
      cluster: request.cluster,
      dryRun: request.dryRun ?? false,
      podsEvicted: metricsAfter.podsEvicted - metricsBefore.podsEvicted,
      evictionsRefusedByPdb: metricsAfter.evictionsRefusedByPdb - metricsBefore.evictionsRefusedByPdb,
      makespanSeconds: Math.round((run.endedAtMs - run.startedAtMs) / 100) / 10,
      ...(tugboatSummary ? { tugboatSummary } : {}),
      figureDisagreements: disagreements,
      notes: summary?.notes ?? [],
    };
    const reason = crashed
      ? `the execution stopped without cleaning up (hard stop after "${options.run?.crashAfter?.state}"); the next run of this cluster reconciles its leftovers`
      : (summary?.reason ?? (run.status === "FAILED" && !summary ? `${run.error}: ${run.cause}` : undefined));
    if (reason) result.reason = reason;
    return { result, run, sandbox };
  } finally {
    if (!options.sandbox && !options.keepOpen) await sandbox.close();
  }
}
