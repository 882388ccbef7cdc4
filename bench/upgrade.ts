/**
 * Cluster upgrades in the sandbox: the real upgrade-cluster workflow (node groups rolled by child
 * roll-node-group executions) on the built-in upgrade scenarios, with what the plan predicted, what
 * it cost, what it guaranteed (skew, PDBs, etcd quorum), and how many node replacements the
 * skew-aware plan saved against rolling every group after every control-plane step.
 */

import { compareMinors, nextMinor } from "../src/sandbox/aws/catalog";
import { Sandbox } from "../src/sandbox/sandbox";
import { upgradeInSandbox } from "../src/sandbox/sandbox-upgrade";
import { loadScenario } from "../src/sandbox/scenario/load";
import type { Scenario } from "../src/sandbox/scenario/schema";

export interface UpgradeFigures {
  scenario: string;
  from: string;
  to: string;
  outcome: string;
  reason?: string;
  makespanSeconds: number;
  predictedSeconds: number;
  controlPlaneUpdates: number;
  addonUpdates: number;
  nodeGroupRolls: Record<string, number>;
  /** Node group instances terminated by the plan's run (observed). */
  nodeReplacements: number;
  /** The same, observed when every group is rolled after every control-plane step (one minor per run). */
  naiveNodeReplacements: number;
  /** Outcome of that baseline, and what arithmetic says it should replace (group sizes × steps). */
  naiveOutcome: string;
  naiveNodeReplacementsComputed: number;
  /** Where Tugboat's summary disagrees with the world, in the plan's run and the baseline's runs. */
  figureDisagreements: string[];
  maxKubeletSkewObserved: number;
  pdbViolations: number;
  podsLost: number;
  etcdMinQuorumMargin?: number;
  historyEvents: number;
  maxStatePayloadBytes: number;
  awsCalls: number;
  kubeCalls: number;
  wallSeconds: number;
}

export const UPGRADE_CASES: { scenario: string; to: string }[] = [
  { scenario: "upgrade", to: "1.33" },
  { scenario: "self-managed", to: "1.31" },
];

function groupSizes(scenario: Scenario): Map<string, number> {
  return new Map(
    scenario.cluster.nodeGroups.map((g) => [g.name, Object.values(g.zones).reduce((sum, n) => sum + n, 0)]),
  );
}

export async function runUpgradeCase(scenario: Scenario, to: string): Promise<UpgradeFigures> {
  const started = performance.now();
  const { result, run, plan, sandbox } = await upgradeInSandbox({
    scenario,
    request: { cluster: scenario.cluster.name, toVersion: to },
    keepOpen: true,
  });
  try {
    const sizes = groupSizes(scenario);
    const steps = plan?.path.length ?? 0;
    const naiveComputed = [...sizes.values()].reduce((sum, n) => sum + n * steps, 0);
    const calls = sandbox.apiCalls();
    const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
    const naive = await runEveryGroupEveryStep(scenario, result.fromVersion ?? scenario.cluster.version, to);
    return {
      scenario: scenario.name ?? "(unnamed)",
      from: result.fromVersion ?? scenario.cluster.version,
      to,
      outcome: result.outcome,
      ...(result.reason ? { reason: result.reason } : {}),
      makespanSeconds: Math.round((run.endedAtMs - run.startedAtMs) / 1000),
      predictedSeconds: result.predictedSeconds ?? 0,
      controlPlaneUpdates: result.controlPlaneUpdates,
      addonUpdates: result.addonUpdates,
      nodeGroupRolls: result.nodeGroupRolls,
      nodeReplacements: result.nodeReplacements,
      naiveNodeReplacements: naive.replacements,
      naiveOutcome: naive.outcome,
      naiveNodeReplacementsComputed: naiveComputed,
      figureDisagreements: [...result.figureDisagreements, ...naive.disagreements],
      maxKubeletSkewObserved: result.maxKubeletSkewObserved,
      pdbViolations: result.pdbViolations,
      podsLost: result.podsLost,
      ...(result.etcd ? { etcdMinQuorumMargin: result.etcd.minQuorumMargin } : {}),
      historyEvents: run.meter.historyEvents,
      maxStatePayloadBytes: run.meter.maxPayloadBytes,
      awsCalls: calls.aws,
      kubeCalls: calls.kubernetes,
      wallSeconds,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * The baseline, simulated: the real upgrade-cluster workflow one minor at a time in one sandbox.
 * Each run moves the control plane one minor and brings every group to it, so every group is rolled
 * after every control-plane step; the replacements are counted from the terminated instances.
 */
export async function runEveryGroupEveryStep(
  scenario: Scenario,
  from: string,
  to: string,
): Promise<{ outcome: string; replacements: number; disagreements: string[] }> {
  const sandbox = await Sandbox.start(scenario);
  try {
    let replacements = 0;
    const disagreements: string[] = [];
    for (let minor = nextMinor(from); compareMinors(minor, to) <= 0; minor = nextMinor(minor)) {
      const { result } = await upgradeInSandbox({
        scenario,
        request: { cluster: scenario.cluster.name, toVersion: minor },
        sandbox,
      });
      replacements += result.nodeReplacements;
      await settle(sandbox);
      disagreements.push(...result.figureDisagreements.map((d) => `baseline step to ${minor}: ${d}`));
      if (result.outcome !== "succeeded") {
        return { outcome: `${result.outcome} at ${minor}: ${result.reason ?? ""}`, replacements, disagreements };
      }
    }
    return { outcome: "succeeded", replacements, disagreements };
  } finally {
    await sandbox.close();
  }
}

/**
 * Between two runs the operator waits for the cluster to settle: instances the last run let go
 * (an EKS managed group's scale-down) finish terminating, so no node is NotReady. Up to 15 minutes.
 */
async function settle(sandbox: Sandbox): Promise<void> {
  const unsettled = () => sandbox.cluster.nodes().some((n) => !n.ready || n.shuttingDown);
  for (let waited = 0; waited < 900 && unsettled(); waited += 10) sandbox.clock.advanceBy(10);
}

export async function runUpgrades(): Promise<UpgradeFigures[]> {
  const figures: UpgradeFigures[] = [];
  for (const c of UPGRADE_CASES) figures.push(await runUpgradeCase(loadScenario(c.scenario), c.to));
  return figures;
}

export function upgradeTable(figures: UpgradeFigures[]): string {
  const lines = ["upgrades (upgrade-cluster, virtual seconds unless noted)"];
  for (const f of figures) {
    const rolls = Object.entries(f.nodeGroupRolls)
      .map(([g, n]) => `${g} ×${n}`)
      .join(", ");
    lines.push(
      `  ${f.scenario} ${f.from} → ${f.to}: ${f.outcome}${f.reason ? ` (${f.reason})` : ""}`,
      `    makespan ${f.makespanSeconds} s, predicted ${f.predictedSeconds} s (×${(f.makespanSeconds / Math.max(1, f.predictedSeconds)).toFixed(2)})`,
      `    control plane ×${f.controlPlaneUpdates}, add-on updates ${f.addonUpdates}, rolls ${rolls || "none"}`,
      `    node replacements ${f.nodeReplacements} (every group after every step, simulated: ${f.naiveNodeReplacements}, ${f.naiveOutcome}; computed: ${f.naiveNodeReplacementsComputed})`,
      ...(f.figureDisagreements.length > 0
        ? [`    summary disagrees with the world: ${f.figureDisagreements.join("; ")}`]
        : []),
      `    max kubelet skew ${f.maxKubeletSkewObserved}, PDB violations ${f.pdbViolations}, pods lost ${f.podsLost}${f.etcdMinQuorumMargin !== undefined ? `, etcd min quorum margin ${f.etcdMinQuorumMargin}` : ""}`,
      `    parent history ${f.historyEvents} events, largest state ${f.maxStatePayloadBytes} bytes, AWS calls ${f.awsCalls}, Kubernetes calls ${f.kubeCalls}, wall ${f.wallSeconds} s`,
    );
  }
  return lines.join("\n");
}
