/**
 * `--approve` in the sandbox: `--then-answer` scripts the answers `tug approve` would give, heard by the
 * run's events; the progress view says how to answer an approval the run is waiting on.
 */
import type { RunnerEvent } from "../sandbox/runner/local-workflow";
import type { Sandbox } from "../sandbox/sandbox";
import { APPROVAL_STATES, parseScriptedAnswer, SandboxApprovals } from "../sandbox/slack/cli-approvals";
import { type CliIO, UsageError } from "./io";

interface ScriptedValues {
  "then-answer"?: string[];
}

/** The sandbox's answers to the run's approvals (none scripted: an approval expires). */
export function sandboxApprovalsFor(values: ScriptedValues, sandbox: Sandbox, cluster: string): SandboxApprovals {
  const answers = (values["then-answer"] ?? []).map((text) => {
    try {
      return parseScriptedAnswer(text);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  return new SandboxApprovals(sandbox, cluster, answers);
}

/** A progress handler that also says, when the run asks for an approval, how to answer it. */
export function withApprovalHint(
  io: CliIO,
  onEvent: (event: RunnerEvent) => void,
  runId: string,
  cluster: string,
): (event: RunnerEvent) => void {
  return (event) => {
    onEvent(event);
    if (event.kind === "state-entered" && !event.execution && APPROVAL_STATES.has(event.state)) {
      io.stderr(
        `${event.state}: someone else answers with \`tug approve ${runId}\` (or \`tug approve ${cluster}\`), \`--reject\` to refuse; it expires after 3600 s`,
      );
    }
  };
}

/** In the sandbox: the scripted answers hear the run's events before the progress view does. */
export function withSandboxAnswers(
  approvals: SandboxApprovals,
  onEvent: (event: RunnerEvent) => void,
): (event: RunnerEvent) => void {
  return (event) => {
    approvals.onEvent(event);
    onEvent(event);
  };
}

/** What each scripted `tug approve` said, on stderr. */
export function printAnswers(io: CliIO, approvals: SandboxApprovals): void {
  for (const given of approvals.given) {
    io.stderr(`[${String(given.atSeconds).padStart(5)} s] tug approve as ${given.by}: ${given.message}`);
  }
}

/** Runs `work` under the scripted approvals; `sandbox` is closed if it throws before handing it back. */
export async function runOwningSandbox<T>(
  approvals: SandboxApprovals,
  sandbox: Sandbox,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await approvals.run(work);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
