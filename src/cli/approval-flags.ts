/**
 * `--approve` on `tug roll`, `tug upgrade` and `tug rebalance`: the run waits for someone else's approval
 * before its first change (docs/chatops.md). Against a deployed stack the approval is posted to Slack
 * when `--approval-channel` names a channel (ChatOps deployed), and is answered there or with
 * `tug approve <run|cluster> [--reject]`. In the sandbox, `--then-answer` scripts those answers.
 */
import type { ApprovalRequest } from "../core/chatops/approval";
import type { RunnerEvent } from "../sandbox/runner/local-workflow";
import type { Sandbox } from "../sandbox/sandbox";
import { APPROVAL_STATES, parseScriptedAnswer, SandboxApprovals } from "../sandbox/slack/cli-approvals";
import { type CliIO, UsageError } from "./io";

export const APPROVAL_FLAGS = {
  approve: { type: "boolean" },
  "approval-channel": { type: "string" },
  "then-answer": { type: "string", multiple: true },
} as const;

export const APPROVAL_USAGE = "[--approve [--approval-channel <C…>] [--then-answer approve|reject:<name>[@s]]...]";

export const APPROVAL_HELP = [
  "      --approve              wait for someone else's approval before the first change (tug approve, or Slack)",
  "      --approval-channel C…  post the approval to this Slack channel (ChatOps deployed)",
  "      --then-answer A:NAME[@S] (sandbox) answer the next approval as `tug approve` run by NAME would, S s after it is asked",
];

/** Who runs `tug` here, as approvals compare it: the requester may not approve their own run. */
export function cliIdentity(): string {
  return `cli:${process.env.USER ?? process.env.USERNAME ?? "unknown"}`;
}

interface ApprovalValues {
  approve?: boolean;
  "approval-channel"?: string;
  "then-answer"?: string[];
  sandbox?: string;
}

/** The input's `approval`, or nothing when the run goes ahead without one. */
export function approvalFrom(
  values: ApprovalValues,
  options: { eachControlPlaneStep?: boolean } = {},
): ApprovalRequest | undefined {
  const channel = values["approval-channel"];
  const wanted = values.approve === true || options.eachControlPlaneStep === true;
  if (!wanted) {
    if (channel) throw new UsageError("--approval-channel: only with --approve");
    if (values["then-answer"]?.length) throw new UsageError("--then-answer: only with --approve");
    return undefined;
  }
  if (channel !== undefined && !/^[CGD][A-Z0-9]+$/.test(channel)) {
    throw new UsageError(`--approval-channel: expected a Slack channel id such as C012AB3CD, got "${channel}"`);
  }
  if (values.sandbox && channel) {
    throw new UsageError(
      "--approval-channel: the sandbox has no Slack here; `tug slack replay` drives Slack approvals",
    );
  }
  if (!values.sandbox && values["then-answer"]?.length) {
    throw new UsageError("--then-answer: sandbox only; against a deployed stack, answer with `tug approve`");
  }
  return {
    requestedBy: cliIdentity(),
    ...(channel ? { channel } : {}),
    ...(options.eachControlPlaneStep ? { eachControlPlaneStep: true as const } : {}),
  };
}

/** The sandbox's answers to the run's approvals (none scripted: an approval expires). */
export function sandboxApprovalsFor(values: ApprovalValues, sandbox: Sandbox, cluster: string): SandboxApprovals {
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
