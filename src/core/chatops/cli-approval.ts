/**
 * `tug approve <run|cluster> [--reject]`: the CLI's answer to a run waiting for an approval, through the
 * same single-use approval record as a Slack click. The run is named, or found through the cluster's
 * lock. Who may answer at all is IAM's to say (the operator policy holds SendTaskSuccess and
 * SendTaskFailure); here the requester is refused when approving their own run.
 */
import { APPROVE_ACTION, judgeClick, REJECT_ACTION } from "./approval";
import { alreadyDecidedText, decideApproval, decidedText } from "./decide-approval";
import type { ChatOpsDeps } from "./ports";
import { PENDING_APPROVAL_ITEM } from "./progress-record";

export type CliApprovalDeps = Pick<ChatOpsDeps, "state" | "approvals" | "tasks" | "clock" | "log">;

export interface CliAnswer {
  reject: boolean;
  /** "cli:<name>": compared with the run's requester. */
  by: string;
  /** Said in the rejected run's summary (default "rejected by <by>"). */
  reason?: string;
}

export interface CliApprovalResult {
  /** True when the workflow got this answer. */
  ok: boolean;
  message: string;
  runId?: string;
  status?: string;
}

export async function answerApproval(
  deps: CliApprovalDeps,
  target: string,
  answer: CliAnswer,
): Promise<CliApprovalResult> {
  const lock = await deps.state.getLock(target);
  const runId = lock ? (lock.owner.split(":").pop() as string) : target;
  const pending = await deps.state.getItem<{ approvalId: string }>(runId, PENDING_APPROVAL_ITEM);
  const record = pending ? await deps.approvals.get(pending.approvalId) : undefined;
  if (!record) {
    return {
      ok: false,
      message: lock
        ? `${target}: run ${runId} is not waiting for an approval.`
        : `No run waits for an approval as or on ${target}.`,
      runId,
    };
  }
  const judged = judgeClick(record, answer.by, answer.reject ? REJECT_ACTION : APPROVE_ACTION);
  if (!judged.ok) {
    deps.log.info(`approval answer refused: ${judged.reason}`, { by: answer.by, approvalId: record.approvalId });
    return { ok: false, message: judged.reason, runId, status: record.status };
  }
  const result = await decideApproval(deps, record.approvalId, {
    status: judged.status,
    by: answer.by,
    ...(answer.reason ? { cause: `rejected by ${answer.by}: ${answer.reason}` } : {}),
  });
  if (result.kind === "already") {
    return { ok: false, message: alreadyDecidedText(result.record), runId, status: result.record?.status ?? "" };
  }
  deps.log.info(`approval ${result.record.status} for run ${runId}`, { by: answer.by, approvalId: record.approvalId });
  return { ok: result.kind === "decided", message: decidedText(result), runId, status: result.record.status };
}
