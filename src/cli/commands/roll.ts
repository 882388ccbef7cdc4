/** `tug roll <cluster> <nodegroup>`: in the sandbox with --sandbox, else on the deployed state machine. */
import { loadPlan } from "../../core/steps/roll/plan";
import { Sandbox } from "../../sandbox/sandbox";
import { type RollJson, rollInSandbox } from "../../sandbox/sandbox-roll";
import { loadScenarioOf } from "../args";
import type { CliIO } from "../io";
import { RollProgressView } from "../progress";
import { executionName, printRemoteOutcome, runRemote, stateMachineArn } from "../remote";
import { renderPlan, renderResult } from "../render";
import { sandboxRollReport } from "../report/sandbox-reports";
import { RunRecorder, writeReport } from "../report/write";
import {
  printAnswers,
  runOwningSandbox,
  sandboxApprovalsFor,
  withApprovalHint,
  withSandboxAnswers,
} from "../sandbox-approvals";
import { rollRequestFrom } from "./roll-request";

export function exitCodeFor(outcome: RollJson["outcome"]): number {
  return outcome === "succeeded" ? 0 : outcome === "refused" ? 3 : 1;
}

export async function rollCommand(argv: string[], io: CliIO): Promise<number> {
  const { request, values } = rollRequestFrom(argv);
  if (!values.sandbox) {
    const arn = stateMachineArn(values["state-machine"]);
    const view = new RollProgressView(io);
    const name = executionName(["roll", request.cluster, request.nodeGroup]);
    const remote = await runRemote(io, arn, name, request, {
      onEvent: withApprovalHint(io, view.onEvent, name, request.cluster),
    });
    view.finish();
    return exitCodeFor(printRemoteOutcome(io, remote, values.json ?? false) as RollJson["outcome"]);
  }

  const scenario = loadScenarioOf(values.sandbox, request.cluster);
  const view = new RollProgressView(io);
  const recorder = new RunRecorder(view.onEvent);
  const own = await Sandbox.start(scenario, { onLog: view.onLog });
  if (values.report) recorder.observeCapacity(own);
  const approvals = sandboxApprovalsFor(values, own, request.cluster);
  const { result, sandbox, run } = await runOwningSandbox(approvals, own, () =>
    rollInSandbox({
      scenario,
      request,
      sandbox: own,
      run: { onEvent: withSandboxAnswers(approvals, recorder.onEvent) },
    }),
  );
  try {
    view.finish();
    printAnswers(io, approvals);
    if (request.dryRun) {
      const plan = await loadPlan(sandbox.deps, run.executionArn.split(":").pop() as string);
      for (const line of plan ? renderPlan(plan) : ["no plan was made (see the reason below)"]) {
        (values.json ? io.stderr : io.stdout)(line);
      }
    }
    for (const line of renderResult(result)) (values.json ? io.stderr : io.stdout)(line);
    if (values.report) {
      writeReport(values.report, sandboxRollReport(scenario, recorder, result));
      io.stderr(`report: ${values.report}`);
    }
    if (values.json) io.stdout(JSON.stringify(result));
    return exitCodeFor(result.outcome);
  } finally {
    await sandbox.close();
  }
}
