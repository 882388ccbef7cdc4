/**
 * The react-to-instance-event workflow's state: the request, the run reference, what the first step
 * found, the progress of the action's loop and the summary. Small: ids, counters and deadlines; the
 * replacement's bookkeeping lives in the store, keyed by run.
 */
import type { BlockedPod } from "../../replacement/drain";
import type { RunRef, StepFailure } from "../../roll/state";
import type { EventAction } from "../decision";
import type { ReactionRequest } from "./request";

/** A running operation that already owns the instance: a roll's current batch, or a replacement. */
export interface InstanceHolder {
  kind: "roll" | "replacement";
  executionId: string;
  runId: string;
  /** The holder has cordoned the node: it is draining it, so the reaction must not drain it twice. */
  draining: boolean;
  /** The holder terminated the instance itself, after draining it. */
  terminated: boolean;
  description: string;
}

export interface TargetResult {
  /** The action to take now: the decided one, or what live state turned it into. */
  action: EventAction;
  /** Why, when it differs from the decided action or needs saying. */
  note: string;
  nodeName: string | null;
  nodeReady: boolean;
  /** EC2 state now; null when EC2 no longer lists the instance. */
  instanceState: string | null;
  availabilityZone: string | null;
  groupName: string | null;
  privateDnsName: string | null;
  holder: InstanceHolder | null;
}

export type { BlockedPod };

/** One pass of an action's loop: the workflow waits `retryInSeconds` and calls the step again until done. */
export interface ReactionProgress {
  done: boolean;
  failed: boolean;
  /** Where the action stands: "cordoned", "draining", "surging", "awaiting-replacement", … */
  phase: string;
  attempts: number;
  retryInSeconds: number;
  /** What happened, in words an operator can act on; set once done or failed, and while blocked. */
  reason?: string;
  /** When the drain must be over: the event's deadline, or now + drainTimeoutSeconds. */
  drainDeadline?: string;
  /** When a node or replacement must be Ready by. */
  readyDeadline?: string;
  /** When a replacement stops waiting for the cluster lock. */
  lockDeadline?: string;
  cordonedAt?: string;
  /** When a drain pass last evicted something: its next look counts from here (core/replacement/drain.ts). */
  progressAt?: string;
  drainedAt?: string;
  remainingPods?: number;
  evicted: number;
  refusedByPdb: number;
  blocked?: BlockedPod[];
  lastHeartbeatAt?: string;
  heartbeats?: number;
  lifecycleCompleted?: "CONTINUE" | "ABANDON" | "not-found";
  /** Replacements: the cluster lock is held by this execution. */
  lockHeld?: boolean;
  replacementId?: string;
  replacementZone?: string;
  terminated?: boolean;
}

export type ReactionOutcome = "succeeded" | "failed" | "ignored";

export interface ReactionSummary {
  outcome: ReactionOutcome;
  eventId: string;
  cluster: string;
  instanceId: string;
  nodeName: string | null;
  action: EventAction;
  reason: string;
  podsEvicted: number;
  lifecycleCompleted: ReactionProgress["lifecycleCompleted"] | null;
  notes: string[];
}

export interface ReactionState {
  request: ReactionRequest;
  run: RunRef;
  target?: TargetResult;
  reaction?: ReactionProgress;
  error?: StepFailure;
  finish?: ReactionSummary;
}

/** The workflow's name, as its RUN record and locks name it. */
export const REACTION_WORKFLOW = "react-to-instance-event";

/** The store key of a replacement's bookkeeping (original sizes, the members before the surge). */
export const REPLACEMENT_KEY = "replacement";

export interface StoredReplacement {
  asgName: string;
  original: { minSize: number; maxSize: number; desiredCapacity: number };
  membersBefore: string[];
  surgedAt: string;
}

/** A reaction that has nothing (more) to do. */
export function finishedReaction(reason: string): ReactionProgress {
  return {
    done: true,
    failed: false,
    phase: "done",
    attempts: 1,
    retryInSeconds: 0,
    evicted: 0,
    refusedByPdb: 0,
    reason,
  };
}
