/** `tug rebalance <cluster>`: in the sandbox with --sandbox, else on the deployed state machine. */
import type { RunnerEvent } from "../../sandbox/runner/local-workflow";
import { Sandbox } from "../../sandbox/sandbox";
import { type RebalanceJson, rebalanceInSandbox } from "../../sandbox/sandbox-rebalance";
import { loadScenarioOf } from "../args";
import type { CliIO } from "../io";
import { executionName, printRemoteOutcome, runRemote, stateMachineArn } from "../remote";
import { printAnswers, sandboxApprovalsFor, withApprovalHint, withSandboxAnswers } from "../sandbox-approvals";
import { rebalanceRequestFrom } from "./rebalance-request";

export function rebalanceExitCode(outcome: string): number {
  return outcome === "succeeded" ? 0 : outcome === "refused" ? 3 : outcome === "partial" ? 4 : 1;
}

/** One line per state entered, on stderr: the steps' names say what the run is doing. */
function progress(io: CliIO) {
  let startMs: number | undefined;
  return (event: RunnerEvent) => {
    if (event.kind !== "state-entered" || event.stateType === "Choice") return;
    startMs ??= event.atMs;
    io.stderr(`[${String(Math.round((event.atMs - startMs) / 1000)).padStart(5)} s] ${event.state}`);
  };
}

export function renderRebalance(result: RebalanceJson): string[] {
  const zones = (byZone: Record<string, number>) =>
    Object.entries(byZone)
      .map(([zone, n]) => `${zone} ${n}`)
      .join(", ");
  return [
    `${result.outcome}${result.dryRun ? " (dry run)" : ""}${result.reason ? `: ${result.reason}` : ""}`,
    `  nodes before: ${zones(result.before)}`,
    `  nodes after:  ${zones(result.after)}`,
    `  launched ${result.launched}, removed ${result.removed}; pods Pending for their volume's zone: ${result.pendingZonalPodsBefore} → ${result.pendingZonalPodsAfter}`,
    `  PDB violations ${result.pdbViolations}, pods lost ${result.podsLost}, pods evicted ${result.podsEvicted} (${result.evictionsRefusedByPdb} refusals by PDBs)`,
    ...result.notes.map((note) => `  - ${note}`),
    ...result.figureDisagreements.map((d) => `  ! ${d}`),
  ];
}

export async function rebalanceCommand(argv: string[], io: CliIO): Promise<number> {
  const { request, values } = rebalanceRequestFrom(argv);
  if (!values.sandbox) {
    const arn = stateMachineArn(values["state-machine"], "TUGBOAT_REBALANCE_STATE_MACHINE_ARN");
    const name = executionName(["rebalance", request.cluster]);
    const remote = await runRemote(io, arn, name, request, {
      onEvent: withApprovalHint(io, progress(io), name, request.cluster),
    });
    return rebalanceExitCode(printRemoteOutcome(io, remote, values.json ?? false));
  }
  const scenario = loadScenarioOf(values.sandbox, request.cluster);
  const sandbox = await Sandbox.start(scenario);
  let result: RebalanceJson;
  try {
    const approvals = sandboxApprovalsFor(values, sandbox, request.cluster);
    ({ result } = await approvals.run(() =>
      rebalanceInSandbox({
        scenario,
        request,
        sandbox,
        run: { onEvent: withSandboxAnswers(approvals, progress(io)) },
      }),
    ));
    printAnswers(io, approvals);
  } finally {
    await sandbox.close();
  }
  for (const line of renderRebalance(result)) (values.json ? io.stderr : io.stdout)(line);
  if (values.json) io.stdout(JSON.stringify(result));
  return rebalanceExitCode(result.outcome);
}
