/**
 * Approvals inside the workflows: an approval step (a `.waitForTaskToken` task) stores its task token
 * server-side under a random approval id, and only that id travels in the button. A click is checked
 * here (who may decide), then decided once in the store (conditional update), then the token is handed
 * back to Step Functions. The requester cannot approve their own run.
 */
import { z } from "zod";

/** What a run started with an approval carries in its input (roll and upgrade inputs accept it). */
export const approvalRequestSchema = z
  .object({
    /** Who asked for the run (a Slack user id, or "cli:<name>"): they may not approve it themselves. */
    requestedBy: z.string().min(1, "who asked for the run"),
    /** Where to ask for the approval (a Slack channel id). */
    channel: z.string().min(1).optional(),
    /**
     * Upgrades only: also wait for an approval before every later control-plane step (the approval before
     * the first change covers the first one). Set by the policy's "each-control-plane-step" or by
     * `tug upgrade --approve-each-control-plane-step`.
     */
    eachControlPlaneStep: z.literal(true).optional(),
  })
  .strict();

export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/** The error names the approval task fails with; the workflows Catch them into named paths. */
export const APPROVAL_REJECTED = "ApprovalRejected";
/** Set by the workflow itself when the task times out (States.Timeout), in the "Approval expired" path. */
export const APPROVAL_EXPIRED = "ApprovalExpired";

/** A run refused by a person or by the clock: nothing was changed (summaries say "refused", not "failed"). */
export function isApprovalRefusal(error: { Error: string } | undefined): boolean {
  return error?.Error === APPROVAL_REJECTED || error?.Error === APPROVAL_EXPIRED;
}

export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired";

export interface ApprovalRecord {
  approvalId: string;
  /** The Step Functions task token: stored here only, never in a message, a button or a log line. */
  taskToken: string;
  workflow: string;
  cluster: string;
  runId: string;
  executionId: string;
  /** One line saying what will happen once approved ("upgrade prod-eu to 1.33"). */
  what: string;
  requestedBy: string;
  requestedAt: string;
  /** When the task times out (the state's TimeoutSeconds after it started). */
  expiresAt: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
  message?: { channel: string; ts: string };
}

export const APPROVE_ACTION = "tug-approve";
export const REJECT_ACTION = "tug-reject";

export type ClickDecision = { ok: true; status: "approved" | "rejected" } | { ok: false; reason: string };

/** May this user decide this approval this way? (The policy has already said they are an approver.) */
export function judgeClick(record: ApprovalRecord, userId: string, actionId: string): ClickDecision {
  const status = actionId === APPROVE_ACTION ? "approved" : actionId === REJECT_ACTION ? "rejected" : undefined;
  if (!status) return { ok: false, reason: `Unknown action ${actionId}.` };
  if (record.status !== "pending") {
    return {
      ok: false,
      reason: `This approval is already ${record.status}${record.decidedBy ? ` (by ${record.decidedBy})` : ""}.`,
    };
  }
  if (status === "approved" && record.requestedBy === userId) {
    return { ok: false, reason: "You asked for this run: someone else must approve it." };
  }
  return { ok: true, status };
}

/** The output the approval task resumes the workflow with (kept small: it lands in the state). */
export interface ApprovalOutcome {
  approved: true;
  approvalId: string;
  by: string;
  at: string;
}
