/**
 * Cluster upgrades in the sandbox: the real upgrade-cluster workflow (node groups rolled by child
 * roll-node-group executions) on the built-in upgrade scenarios, with what the plan predicted, what
 * it cost, what it guaranteed (skew, PDBs, etcd quorum), and how many node replacements the
 * skew-aware plan saved against rolling every group after every control-plane step.
 */

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
  /** Nodes replaced by the plan's rolls, and by rolling every group after every control-plane step. */
  nodeReplacements: number;
  naiveNodeReplacements: number;
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
    const replaced = Object.entries(result.nodeGroupRolls).reduce((sum, [g, n]) => sum + n * (sizes.get(g) ?? 0), 0);
    const naive = [...sizes.values()].reduce((sum, n) => sum + n * steps, 0);
    const calls = sandbox.apiCalls();
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
      nodeReplacements: replaced,
      naiveNodeReplacements: naive,
      maxKubeletSkewObserved: result.maxKubeletSkewObserved,
      pdbViolations: result.pdbViolations,
      podsLost: result.podsLost,
      ...(result.etcd ? { etcdMinQuorumMargin: result.etcd.minQuorumMargin } : {}),
      historyEvents: run.meter.historyEvents,
      maxStatePayloadBytes: run.meter.maxPayloadBytes,
      awsCalls: calls.aws,
      kubeCalls: calls.kubernetes,
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await sandbox.close();
  }
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
      `    node replacements ${f.nodeReplacements} (every group after every step: ${f.naiveNodeReplacements})`,
      `    max kubelet skew ${f.maxKubeletSkewObserved}, PDB violations ${f.pdbViolations}, pods lost ${f.podsLost}${f.etcdMinQuorumMargin !== undefined ? `, etcd min quorum margin ${f.etcdMinQuorumMargin}` : ""}`,
      `    parent history ${f.historyEvents} events, largest state ${f.maxStatePayloadBytes} bytes, AWS calls ${f.awsCalls}, Kubernetes calls ${f.kubeCalls}, wall ${f.wallSeconds} s`,
    );
  }
  return lines.join("\n");
}
