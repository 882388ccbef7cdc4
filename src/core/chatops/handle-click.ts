/**
 * A click on an approval message's button: the button carries only the approval id. The clicker must be
 * an approver of the cluster in the policy (in an allowed channel), must not be the requester when
 * approving, and wins only if the approval is still pending (a conditional update: a second click, or
 * a click racing an abort, does nothing). Then the task token kept with the approval goes back to
 * Step Functions, and the message loses its buttons.
 */
import { type ApprovalRecord, judgeClick } from "./approval";
import { alreadyDecidedText, decideApproval, decidedText } from "./decide-approval";
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
  const result = await decideApproval(deps, record.approvalId, { status: judged.status, by: user });
  if (result.kind === "already") return alreadyDecidedText(result.record);
  const final: ApprovalRecord = result.record;
  await deps.state.putItem(record.runId, PENDING_APPROVAL_ITEM, null);
  deps.log.info(`approval ${final.status} for run ${record.runId}`, { user, approvalId: record.approvalId });
  if (final.message) {
    try {
      await deps.chat.updateMessage({ ...final.message, ...decidedApprovalMessage(final) });
    } catch (err) {
      deps.log.warn(`approval message not updated: ${(err as Error).message}`);
    }
  }
  return decidedText(result);
}
