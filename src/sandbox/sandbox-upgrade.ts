/**
 * Runs the real upgrade-cluster workflow in a sandbox (node groups roll as child executions of the
 * real roll-node-group workflow) and reports what happened, with what only a simulator can see: the
 * kubelet skew at every step boundary, PDB violations, pods lost and etcd's quorum margin.
 */
import { upgradeCluster } from "../../workflows";
import type { EstimateSource } from "../core/estimates/estimate";
import { kubeletMinor } from "../core/roll/snapshot-types";
import type { UpgradeInput } from "../core/upgrade/input";
import type { UpgradePlan, UpgradePreflight, UpgradeState, UpgradeSummary } from "../core/upgrade/state";
import { compareUpgradeFigures, type UpgradeFiguresSummary, UpgradeObserver } from "./observed-upgrade";
import type { LocalRunOptions, LocalRunResult, RunnerEvent } from "./runner/local-workflow";
import { type LogLine, Sandbox } from "./sandbox";
import type { Scenario } from "./scenario/schema";

export interface UpgradeJson {
  outcome: UpgradeSummary["outcome"];
  cluster: string;
  fromVersion?: string;
  toVersion: string;
  dryRun: boolean;
  /** Observed by the simulator (observed-upgrade.ts): version updates EKS completed, or API server minors moved. */
  controlPlaneUpdates: number;
  /** Observed: per node group, new images launched into it. */
  nodeGroupRolls: Record<string, number>;
  /** Observed: add-on updates EKS completed. */
  addonUpdates: number;
  /** Observed: node group instances terminated during the run. */
  nodeReplacements: number;
  /** Tugboat's summary, kept to be compared with the observed figures. */
  tugboatSummary?: UpgradeFiguresSummary;
  /** Where the summary and the world disagree (empty when they agree): a disagreement fails the tests. */
  figureDisagreements: string[];
  /** The larger of what the workflow saw after each phase and what the sandbox saw at every step. */
  maxKubeletSkewObserved: number;
  durationSeconds: number;
  predictedSeconds?: number;
  /** "defaults" or "history (N runs)": where Tugboat's prediction came from. */
  estimateSource?: EstimateSource;
  reason?: string;
  nodes: { total: number; onTarget: number };
  addons: Record<string, string>;
  pdbViolations: number;
  podsLost: number;
  etcd?: { minQuorumMargin: number; quorumLost: boolean; members: number };
  warnings: string[];
}

export type UpgradeRequest = Partial<UpgradeInput> & { cluster: string; toVersion: string };

export interface SandboxUpgradeOptions {
  scenario: Scenario;
  request: UpgradeRequest;
  sandbox?: Sandbox;
  keepOpen?: boolean;
  run?: Partial<Pick<LocalRunOptions, "executionName" | "crashAfter" | "beforeState" | "onEvent">>;
  onLog?: (line: LogLine) => void;
}

export interface SandboxUpgradeResult {
  result: UpgradeJson;
  run: LocalRunResult;
  sandbox: Sandbox;
  plan?: UpgradePlan;
  preflight?: UpgradePreflight;
}

/** API server minor minus the oldest kubelet minor, as the sandbox sees it right now. */
export function sandboxSkew(sandbox: Sandbox, cluster?: string): number {
  const kube = cluster === undefined ? sandbox.cluster : sandbox.clusterNamed(cluster);
  const server = Number(kube.state.serverMinor.split(".")[1]);
  let skew = 0;
  for (const node of kube.nodes()) {
    if (node.shuttingDown) continue;
    const minor = kubeletMinor(node.kubeletVersion);
    if (minor) skew = Math.max(skew, server - Number(minor.split(".")[1]));
  }
  return skew;
}

export async function upgradeInSandbox(options: SandboxUpgradeOptions): Promise<SandboxUpgradeResult> {
  const { scenario, request } = options;
  const sandbox = options.sandbox ?? (await Sandbox.start(scenario, options.onLog ? { onLog: options.onLog } : {}));
  try {
    // The API server of the cluster upgraded: the scenario's, or one created in this sandbox.
    const kube = sandbox.clusterNamed(request.cluster);
    const before = kube.metrics();
    const observer = new UpgradeObserver(sandbox, request.cluster);
    const violationsBefore = before.pdbViolations;
    const lostBefore = before.podsLost;
    let maxSkew = sandboxSkew(sandbox, request.cluster);
    const onEvent = (event: RunnerEvent) => {
      if (event.kind === "state-exited") maxSkew = Math.max(maxSkew, sandboxSkew(sandbox, request.cluster));
      options.run?.onEvent?.(event);
    };
    // The request only: nothing of the scenario (timings, placement, faults) reaches Tugboat's input.
    const run = await sandbox.run(upgradeCluster, request, { ...options.run, onEvent });
    const state = (run.status === "SUCCEEDED" ? run.output : run.lastOutput) as UpgradeState | undefined;
    const summary = state?.summary;
    const after = kube.metrics();
    const nodes = kube.nodes().filter((n) => !n.shuttingDown);
    const onTarget = nodes.filter((n) => kubeletMinor(n.kubeletVersion) === request.toVersion).length;
    const etcd = kube.etcd;
    const world = observer.finish();
    const tugboatSummary: UpgradeFiguresSummary | undefined = summary
      ? {
          controlPlaneUpdates: summary.controlPlaneUpdates,
          addonUpdates: summary.addonUpdates,
          nodeGroupRolls: summary.nodeGroupRolls,
        }
      : undefined;
    const result: UpgradeJson = {
      outcome: run.status === "ABORTED" ? "failed" : (summary?.outcome ?? "failed"),
      cluster: request.cluster,
      ...(summary?.fromVersion ? { fromVersion: summary.fromVersion } : {}),
      toVersion: request.toVersion,
      dryRun: request.dryRun ?? false,
      controlPlaneUpdates: world.controlPlaneUpdates,
      nodeGroupRolls: world.nodeGroupRolls,
      addonUpdates: world.addonUpdates,
      nodeReplacements: world.nodeReplacements,
      ...(tugboatSummary ? { tugboatSummary } : {}),
      figureDisagreements: compareUpgradeFigures(world, tugboatSummary),
      maxKubeletSkewObserved: Math.max(maxSkew, summary?.maxKubeletSkewObserved ?? 0),
      durationSeconds: summary?.durationSeconds ?? Math.round((run.endedAtMs - run.startedAtMs) / 1000),
      ...(summary?.predictedSeconds !== undefined ? { predictedSeconds: summary.predictedSeconds } : {}),
      ...(state?.assessment ? { estimateSource: state.assessment.plan.estimateSource } : {}),
      ...(summary?.reason ? { reason: summary.reason } : run.cause ? { reason: run.cause } : {}),
      nodes: { total: nodes.length, onTarget },
      addons: Object.fromEntries(
        (await sandbox.deps.eks.describeCluster(request.cluster))
          ? (await sandbox.deps.eks.listAddons(request.cluster)).map((a) => [a.name, a.version])
          : [],
      ),
      pdbViolations: after.pdbViolations - violationsBefore,
      podsLost: after.podsLost - lostBefore,
      ...(etcd ? { etcd: etcdFigures(etcd) } : {}),
      warnings: state?.assessment?.preflight.warnings ?? [],
    };
    return {
      result,
      run,
      sandbox,
      ...(state?.assessment ? { plan: state.assessment.plan, preflight: state.assessment.preflight } : {}),
    };
  } finally {
    if (!options.keepOpen && !options.sandbox) await sandbox.close();
  }
}

function etcdFigures(etcd: NonNullable<Sandbox["cluster"]["etcd"]>): UpgradeJson["etcd"] {
  return {
    minQuorumMargin: etcd.monitor.minimumMargin() ?? 0,
    quorumLost: etcd.monitor.everLostQuorum(),
    members: etcd.list().length,
  };
}
