/** `tug upgrade <cluster> --to <version>`: in the sandbox with --sandbox, else on the deployed state machine. */
import type { UpgradePlan, UpgradePreflight } from "../../core/upgrade/state";
import { Sandbox } from "../../sandbox/sandbox";
import { type UpgradeJson, upgradeInSandbox } from "../../sandbox/sandbox-upgrade";
import { loadScenarioOf } from "../args";
import { duration, estimateOrigin } from "../format";
import type { CliIO } from "../io";
import { executionName, printRemoteOutcome, runRemote, stateMachineArn } from "../remote";
import { sandboxUpgradeReport } from "../report/sandbox-reports";
import { RunRecorder, writeReport } from "../report/write";
import {
  printAnswers,
  runOwningSandbox,
  sandboxApprovalsFor,
  withApprovalHint,
  withSandboxAnswers,
} from "../sandbox-approvals";
import { UpgradeProgressView } from "../upgrade-progress";
import { upgradeRequestFrom } from "./upgrade-request";

export function upgradeExitCode(outcome: UpgradeJson["outcome"]): number {
  return outcome === "succeeded" || outcome === "planned" ? 0 : outcome === "refused" ? 3 : 1;
}

export function renderUpgradePlan(plan: UpgradePlan, preflight?: UpgradePreflight): string[] {
  const lines = [
    `Upgrade plan ${plan.fromVersion} → ${plan.toVersion}: ${plan.controlPlaneUpdates} control-plane update(s), ${plan.addonUpdates} add-on update(s), node group rolls ${
      Object.entries(plan.nodeGroupRolls)
        .map(([group, count]) => `${group} ×${count}`)
        .join(", ") || "none"
    }`,
  ];
  plan.phases.forEach((phase, index) => {
    const head = `  ${String(index + 1).padStart(2)}. `;
    const eta = `(~${duration(phase.predictedSeconds)})`;
    if (phase.kind === "control-plane") {
      lines.push(
        `${head}control plane → ${phase.toVersion} ${phase.mode === "eks" ? "via EKS" : "node by node, etcd quorum kept"} ${eta}`,
      );
    } else if (phase.kind === "addons") {
      lines.push(`${head}add-ons ${eta}`);
      for (const hop of phase.hops) lines.push(`        ${hop.addon} ${hop.from} → ${hop.version}: ${hop.reason}`);
    } else {
      lines.push(`${head}roll node groups → ${phase.toVersion} ${eta}`);
      for (const group of phase.groups)
        lines.push(`        ${group.name} (${group.mode}, ${group.nodes} nodes): ${group.reason}`);
    }
  });
  for (const line of plan.explanation.filter((l) => !l.startsWith(" ") && l.startsWith("node group")))
    lines.push(`  ${line}`);
  lines.push(`  predicted duration ${duration(plan.predictedSeconds)}, ${estimateOrigin(plan.estimateSource)}`);
  for (const warning of preflight?.warnings ?? []) lines.push(`  warning: ${warning}`);
  for (const problem of preflight?.problems ?? []) lines.push(`  refused: ${problem}`);
  return lines;
}

export function renderUpgradeResult(result: UpgradeJson): string[] {
  const rolls = Object.entries(result.nodeGroupRolls)
    .map(([group, count]) => `${group} ×${count}`)
    .join(", ");
  const lines = [
    `${result.outcome}: ${result.cluster} ${result.fromVersion ?? "?"} → ${result.toVersion}${result.reason ? `: ${result.reason}` : ""}`,
  ];
  if (!result.dryRun && result.outcome !== "refused") {
    lines.push(
      `  ${result.controlPlaneUpdates} control-plane update(s), ${result.addonUpdates} add-on update(s), rolls: ${rolls || "none"}`,
      `  ${result.nodes.onTarget} of ${result.nodes.total} nodes on ${result.toVersion}; max kubelet skew ${result.maxKubeletSkewObserved}; ${result.pdbViolations} PDB violations, ${result.podsLost} pods lost`,
      `  took ${duration(result.durationSeconds)}${result.predictedSeconds !== undefined ? ` (predicted ${duration(result.predictedSeconds)})` : ""}`,
    );
    if (result.etcd) {
      lines.push(
        `  etcd: ${result.etcd.members} members, smallest quorum margin ${result.etcd.minQuorumMargin}${result.etcd.quorumLost ? ", QUORUM LOST" : ""}`,
      );
    }
  }
  return lines;
}

export async function upgradeCommand(argv: string[], io: CliIO): Promise<number> {
  const { request, values } = upgradeRequestFrom(argv);
  if (!values.sandbox) {
    const arn = stateMachineArn(values["state-machine"], "TUGBOAT_UPGRADE_STATE_MACHINE_ARN");
    const view = new UpgradeProgressView(io);
    const name = executionName(["upgrade", request.cluster, request.toVersion]);
    const remote = await runRemote(io, arn, name, request, {
      onEvent: withApprovalHint(io, view.onEvent, name, request.cluster),
    });
    return upgradeExitCode(printRemoteOutcome(io, remote, values.json ?? false) as UpgradeJson["outcome"]);
  }

  const scenario = loadScenarioOf(values.sandbox, request.cluster);
  const view = new UpgradeProgressView(io);
  const recorder = new RunRecorder(view.onEvent);
  const own = await Sandbox.start(scenario, { onLog: view.onLog });
  if (values.report) recorder.observeCapacity(own);
  const approvals = sandboxApprovalsFor(values, own, request.cluster);
  const { result, plan, preflight, sandbox } = await runOwningSandbox(approvals, own, () =>
    upgradeInSandbox({
      scenario,
      request,
      sandbox: own,
      run: { onEvent: withSandboxAnswers(approvals, recorder.onEvent) },
    }),
  );
  try {
    printAnswers(io, approvals);
    const out = values.json ? io.stderr : io.stdout;
    if (request.dryRun && plan) for (const line of renderUpgradePlan(plan, preflight)) out(line);
    for (const line of renderUpgradeResult(result)) out(line);
    if (values.report) {
      writeReport(values.report, sandboxUpgradeReport(scenario, recorder, result));
      io.stderr(`report: ${values.report}`);
    }
    if (values.json) io.stdout(JSON.stringify(result));
    return upgradeExitCode(result.outcome);
  } finally {
    await sandbox.close();
  }
}
