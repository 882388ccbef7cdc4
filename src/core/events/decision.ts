/** What Tugboat should do about one ClusterEvent: a plan object, acted on elsewhere (DESIGN §9). */
import type { ClusterEventKind, LifecycleActionEvent } from "./cluster-event";

export type EventAction =
  /** Cordon and drain the instances' nodes now, before `deadline` when there is one. */
  | "drain"
  /** Surge a replacement, wait for it to be Ready, then drain and terminate the instance. */
  | "replace"
  /** Drain while recording lifecycle heartbeats, then complete the hook with `lifecycle.result`. */
  | "drain-and-complete-lifecycle"
  /** Wait for the instance's node to be Ready, then complete the hook; `resultIfNeverReady` if it never joins. */
  | "await-ready-and-complete-lifecycle"
  /** Complete the hook at once with `lifecycle.result`: nothing in the cluster depends on this instance. */
  | "complete-lifecycle"
  /** The instance is gone or stopped: remove its node object and release what Tugboat holds for it. */
  | "cleanup"
  | "ignore";

export const EVENT_ACTIONS: readonly EventAction[] = [
  "drain",
  "replace",
  "drain-and-complete-lifecycle",
  "await-ready-and-complete-lifecycle",
  "complete-lifecycle",
  "cleanup",
  "ignore",
];

/** The lifecycle hook to complete, in the terms of `AutoScalingPort.completeLifecycleAction`. */
export interface LifecycleCompletion {
  groupName: string;
  hookName: string;
  instanceId: string;
  token: string;
  transition: LifecycleActionEvent["transition"];
  /** The result to send once the action is done. */
  result: "CONTINUE";
  /** For launches only: the result to send when the node never becomes Ready. */
  resultIfNeverReady?: "ABANDON";
  /** The instance restarts on a new root volume and keeps its id: its node must be uncordoned once Ready. */
  rootVolumeReplacement: boolean;
}

export interface EventDecision {
  kind: ClusterEventKind;
  action: EventAction;
  instanceIds: string[];
  /** When the action must be finished by; null when the event sets none or its time is a placeholder. */
  deadline: Date | null;
  /** Why, in words an operator can act on; never empty. */
  reason: string;
  lifecycle?: LifecycleCompletion;
}

/** Optional facts from outside the event. Only `now` is read, so the decision stays a pure function. */
export interface DecisionContext {
  now?: Date;
}
