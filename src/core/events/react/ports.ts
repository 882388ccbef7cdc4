/**
 * The two ports the receive side needs beyond `Deps`: a ledger of event ids (at-least-once delivery
 * deduplicated with a conditional write in Tugboat's store) and a way to start the reaction workflow.
 */
import type { ReactionRequest } from "./request";

/** What the ledger remembers of an event once it has been handled. */
export interface EventReceipt {
  eventId: string;
  status: "in-progress" | "done";
  /** When the first delivery claimed the event (ISO 8601). */
  claimedAt: string;
  /** One line for logs and `tug events replay`: what was done the first time. */
  summary?: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; receipt: EventReceipt };

export interface EventLedgerPort {
  /**
   * Claims an event id for this delivery. Refused when another delivery has already handled it, or is
   * handling it now and claimed it less than `staleAfterSeconds` ago; a claim older than that belongs
   * to an invocation that died, and is taken over.
   */
  claim(eventId: string, now: Date, staleAfterSeconds: number): Promise<ClaimResult>;
  /** Marks the event handled, with what was done. */
  finish(eventId: string, summary: string): Promise<void>;
  /** Gives the claim back after a failure, so the redelivery handles the event again. */
  release(eventId: string): Promise<void>;
}

export interface ReactionStart {
  /** The execution's id: its ARN in AWS, its sandbox ARN locally. */
  executionId: string;
  /** "already-started": an execution of that name exists, so this delivery is a duplicate. */
  outcome: "started" | "already-started";
}

export interface ReactionStarterPort {
  start(name: string, request: ReactionRequest): Promise<ReactionStart>;
}
