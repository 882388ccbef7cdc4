/**
 * The approval step (a `.waitForTaskToken` task): keeps the task token server-side under a random
 * approval id, remembers the run is waiting, and asks in Slack, in the thread of the run's progress
 * message when there is one. The workflow waits until a click answers the token or the task times out.
 */
import { randomBytes } from "node:crypto";
import { InvalidInputError } from "../errors";
import type { ApprovalRecord, ApprovalRequest } from "./approval";
import { approvalRequestMessage } from "./messages";
import type { ChatOpsDeps } from "./ports";
import { PENDING_APPROVAL_ITEM, progressMessageOf } from "./progress-record";

export interface ApprovalTaskInput {
  taskToken: string;
  workflow: string;
  cluster: string;
  /** What happens once approved, in words ("upgrade prod-eu to 1.33"). */
  what: string;
  run: { runId: string; executionId: string };
  approval: ApprovalRequest;
  /** The task's TimeoutSeconds (the same number as in the definition): when the approval expires. */
  timeoutSeconds: number;
}

export function newApprovalId(): string {
  return randomBytes(16).toString("hex");
}

export async function requestApproval(
  deps: Pick<ChatOpsDeps, "state" | "approvals" | "chat" | "clock" | "log">,
  input: ApprovalTaskInput,
  approvalId: string = newApprovalId(),
): Promise<{ approvalId: string }> {
  if (typeof input?.taskToken !== "string" || input.taskToken === "") {
    throw new InvalidInputError("approval task: taskToken is missing (the state must pass $$.Task.Token)");
  }
  const now = deps.clock.now();
  const record: ApprovalRecord = {
    approvalId,
    taskToken: input.taskToken,
    workflow: input.workflow,
    cluster: input.cluster,
    runId: input.run.runId,
    executionId: input.run.executionId,
    what: input.what,
    requestedBy: input.approval.requestedBy,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
    status: "pending",
  };
  await deps.approvals.create(record);
  await deps.state.putItem(record.runId, PENDING_APPROVAL_ITEM, { approvalId });
  const progress = await progressMessageOf(deps.state, record.runId);
  const channel = progress?.channel ?? input.approval.channel;
  deps.log.info(`run ${record.runId} waits for approval ${approvalId}`, { cluster: record.cluster });
  if (!channel) {
    // A run started with `tug ... --approve` and no channel: answered with `tug approve`.
    deps.log.info(
      `approval ${approvalId}: no Slack channel to ask in; answer with \`tug approve ${record.runId}\` before ${record.expiresAt}`,
    );
    return { approvalId };
  }
  const posted = await deps.chat.postMessage({
    channel,
    ...approvalRequestMessage(record),
    ...(progress?.ts ? { threadTs: progress.ts } : {}),
  });
  await deps.approvals.setMessage(approvalId, { channel, ts: posted.ts });
  return { approvalId };
}
