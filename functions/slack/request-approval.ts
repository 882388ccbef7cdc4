/** The approval step of the roll and upgrade workflows (`.waitForTaskToken`): see src/core/chatops/request-approval.ts. */
import { type ApprovalTaskInput, requestApproval } from "../../src/core/chatops/request-approval";
import { currentChatOpsDeps } from "./lib/runtime";

export async function handler(event: ApprovalTaskInput): Promise<{ approvalId: string }> {
  return requestApproval(currentChatOpsDeps(), event);
}
