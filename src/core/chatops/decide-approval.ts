/**
 * Deciding an approval, wherever the decision comes from (a Slack click, `tug approve`, `/tug abort` of
 * a run still waiting): one conditional update in the store, so of two deciders exactly one wins, then
 * the task token kept with the approval goes back to Step Functions. A token whose task already timed
 * out is "closed": the approval is then recorded as expired, as the run ended without it.
 */
import { APPROVAL_REJECTED, type ApprovalOutcome, type ApprovalRecord } from "./approval";
import type { ChatOpsDeps } from "./ports";

export interface ApprovalDecision {
  status: "approved" | "rejected";
  /** Who decided: a Slack user id, or "cli:<name>". */
  by: string;
  /** For a rejection, the cause the workflow's summary shows (default "rejected by <by>"). */
  cause?: string;
}

export type DecideResult =
  /** The workflow got the decision: it goes on, or ends without a change. */
  | { kind: "decided"; record: ApprovalRecord }
  /** The task had already timed out: the run ended without a change; the approval is now "expired". */
  | { kind: "too-late"; record: ApprovalRecord }
  /** Someone (or the clock) decided first: nothing was sent. */
  | { kind: "already"; record: ApprovalRecord | undefined };

export async function decideApproval(
  deps: Pick<ChatOpsDeps, "approvals" | "tasks" | "clock">,
  approvalId: string,
  decision: ApprovalDecision,
): Promise<DecideResult> {
  const at = deps.clock.now().toISOString();
  const decided = await deps.approvals.decide(approvalId, { status: decision.status, by: decision.by, at });
  if (!decided) return { kind: "already", record: await deps.approvals.get(approvalId) };
  const sent =
    decision.status === "approved"
      ? await deps.tasks.succeed(decided.taskToken, {
          approved: true,
          approvalId,
          by: decision.by,
          at,
        } satisfies ApprovalOutcome)
      : await deps.tasks.fail(decided.taskToken, APPROVAL_REJECTED, decision.cause ?? `rejected by ${decision.by}`);
  if (sent === "sent") return { kind: "decided", record: decided };
  const expired = await deps.approvals.decide(approvalId, { status: "expired", by: "timeout", at }, decision.status);
  return { kind: "too-late", record: expired ?? { ...decided, status: "expired" } };
}

/** "This approval is already approved (by U2)." */
export function alreadyDecidedText(record: ApprovalRecord | undefined): string {
  return `This approval is already ${record?.status ?? "decided"}${record?.decidedBy ? ` (by ${record.decidedBy})` : ""}.`;
}

/** What the decider is told once the workflow has the decision. */
export function decidedText(result: Exclude<DecideResult, { kind: "already" }>): string {
  const { record } = result;
  if (result.kind === "too-late") {
    return `Too late: the approval of ${record.what} expired; the run ended without a change.`;
  }
  return record.status === "approved"
    ? `Approved: ${record.what} (run ${record.runId}) goes on.`
    : `Rejected: ${record.what} (run ${record.runId}) does not go ahead; it releases the lock without a further change.`;
}
