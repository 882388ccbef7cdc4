/**
 * A click on an approval message's button: the button carries only the approval id. The clicker must be
 * an approver of the cluster in the policy (in an allowed channel), must not be the requester when
 * approving, and wins only if the approval is still pending (a conditional update: a second click, or
 * a click racing an abort, does nothing). Then the task token kept with the approval goes back to
 * Step Functions, and the message loses its buttons.
 */
import { APPROVAL_REJECTED, type ApprovalOutcome, type ApprovalRecord, judgeClick } from "./approval";
import { decidedApprovalMessage } from "./messages";
import { authorize, type ChatPolicy } from "./policy";
import type { ChatOpsDeps } from "./ports";
import { PENDING_APPROVAL_ITEM } from "./progress-record";
import type { SlackRequest } from "./slack-request";

type ClickRequest = Extract<SlackRequest, { kind: "click" }>;

export async function handleClick(deps: ChatOpsDeps, policy: ChatPolicy, click: ClickRequest): Promise<string> {
  const user = click.identity.userId ?? "";
  const record = /^[a-f0-9]{32}$/.test(click.value) ? await deps.approvals.get(click.value) : undefined;
  if (!record) {
    deps.log.warn("click on an unknown approval", { user, action: click.actionId });
    return "This approval does not exist (any more).";
  }
  const verdict = authorize(policy, click.identity, record.cluster, "approve");
  if (!verdict.allowed) {
    deps.log.warn(`approval click refused: ${verdict.reason}`, { user, approvalId: record.approvalId });
    return `Not allowed: ${verdict.reason}.`;
  }
  const judged = judgeClick(record, user, click.actionId);
  if (!judged.ok) {
    deps.log.info(`approval click refused: ${judged.reason}`, { user, approvalId: record.approvalId });
    return judged.reason;
  }
  const at = deps.clock.now().toISOString();
  const decided = await deps.approvals.decide(record.approvalId, { status: judged.status, by: user, at });
  if (!decided) {
    const now = await deps.approvals.get(record.approvalId);
    return `This approval is already ${now?.status ?? "decided"}${now?.decidedBy ? ` (by ${now.decidedBy})` : ""}.`;
  }
  const sent =
    judged.status === "approved"
      ? await deps.tasks.succeed(decided.taskToken, {
          approved: true,
          approvalId: decided.approvalId,
          by: user,
          at,
        } satisfies ApprovalOutcome)
      : await deps.tasks.fail(decided.taskToken, APPROVAL_REJECTED, `rejected by ${user}`);
  let final: ApprovalRecord = decided;
  if (sent === "closed") {
    // The task had already timed out: the run ended without a change; say so instead.
    final = (await deps.approvals.decide(
      record.approvalId,
      { status: "expired", by: "timeout", at },
      judged.status,
    )) ?? {
      ...decided,
      status: "expired",
    };
  }
  await deps.state.putItem(record.runId, PENDING_APPROVAL_ITEM, null);
  deps.log.info(`approval ${final.status} for run ${record.runId}`, { user, approvalId: record.approvalId });
  if (final.message) {
    try {
      await deps.chat.updateMessage({ ...final.message, ...decidedApprovalMessage(final) });
    } catch (err) {
      deps.log.warn(`approval message not updated: ${(err as Error).message}`);
    }
  }
  if (sent === "closed") return `Too late: the approval of ${record.what} expired; the run ended without a change.`;
  return judged.status === "approved"
    ? `Approved: ${record.what} (run ${record.runId}) goes on.`
    : `Rejected: ${record.what} (run ${record.runId}) ends without a change.`;
}
