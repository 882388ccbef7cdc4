/**
 * `--approve` on `tug roll`, `tug upgrade` and `tug rebalance`: the run waits for someone else's approval
 * before its first change (docs/chatops.md). The flags and the request's `approval`; what the sandbox
 * does with them is in sandbox-approvals.ts. Against a deployed stack the approval is posted to Slack
 * when `--approval-channel` names a channel (ChatOps deployed), and is answered there or with
 * `tug approve <run|cluster> [--reject]`. In the sandbox, `--then-answer` scripts those answers.
 */
import type { ApprovalRequest } from "../core/chatops/approval";
import { UsageError } from "./io";

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
