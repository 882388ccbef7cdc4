/**
 * What the chat entry point, the approval step and the progress updater reach through: Step Functions
 * (start a Tugboat workflow, hand a task its result), the chat service (Slack's Web API), where
 * approvals are kept, and the secrets (signing secrets, bot token). Adapters: src/adapters/slack,
 * src/adapters/aws; the sandbox plugs in the same adapters against its region and a loopback Slack.
 */
import type { Clock, Log, StatePort } from "../ports";
import type { ApprovalRecord, ApprovalStatus } from "./approval";
import type { ChatPolicy } from "./policy";

export type StartOutcome = { outcome: "started" | "already-started"; executionId: string };

export interface WorkflowStarterPort {
  /** Starts `workflow` under `name`; the same name again is "already-started" (Step Functions refuses it). */
  start(workflow: string, name: string, input: unknown): Promise<StartOutcome>;
  /** The execution's page in the Step Functions console (or the sandbox's link). */
  linkFor(executionId: string): string;
}

/** "sent", or "closed" when the task is no longer waiting (it timed out, or was already answered). */
export type TaskResult = "sent" | "closed";

export interface TaskResultPort {
  succeed(taskToken: string, output: unknown): Promise<TaskResult>;
  fail(taskToken: string, error: string, cause: string): Promise<TaskResult>;
}

export interface ChatMessage {
  channel: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
}

export interface ChatPort {
  postMessage(message: ChatMessage): Promise<{ ts: string }>;
  updateMessage(message: ChatMessage & { ts: string }): Promise<void>;
}

/** Slack answered 429: nothing was posted; try again after `retryAfterSeconds`. */
export class ChatRateLimitedError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = "ChatRateLimitedError";
  }
}

export interface ApprovalStorePort {
  /** Stores a new approval; its id is random and never reused. */
  create(record: ApprovalRecord): Promise<void>;
  get(approvalId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Moves a pending approval to its decision, once: a conditional update, so of two clicks (or a click
   * and an abort) exactly one wins. Undefined when it was no longer pending.
   */
  decide(
    approvalId: string,
    decision: { status: "approved" | "rejected" | "expired"; by: string; at: string },
    from?: ApprovalStatus,
  ): Promise<ApprovalRecord | undefined>;
  /** Remembers where the approval message was posted (to update it once decided). */
  setMessage(approvalId: string, message: { channel: string; ts: string }): Promise<void>;
}

export interface ChatSecretsPort {
  /** The current signing secret first, then the previous one while a rotation is under way. */
  signingSecrets(): Promise<string[]>;
  botToken(): Promise<string>;
}

/** Everything the chat functions touch, built once per container (or per sandbox). */
export interface ChatOpsDeps {
  state: StatePort;
  approvals: ApprovalStorePort;
  starter: WorkflowStarterPort;
  tasks: TaskResultPort;
  chat: ChatPort;
  secrets: ChatSecretsPort;
  policy(): Promise<ChatPolicy>;
  clock: Clock;
  log: Log;
}
