/**
 * Lifecycle hook decisions. Every lifecycle event must end in a completed hook, or the instance sits in its
 * wait state until the hook times out, so each path here names the result to send.
 *
 * Warm pools (EC2 Auto Scaling User Guide, "Warm pool lifecycle hooks"): `Origin`/`Destination` tell an
 * instance entering the pool (EC2 → WarmPool), leaving it for service (WarmPool → AutoScalingGroup), returning
 * to it on scale-in (AutoScalingGroup → WarmPool) or being terminated from it (WarmPool → EC2).
 * Root volume replacement ("Replace root volumes during instance refresh"): a terminate hook with
 * `Action: ReplaceRootVolume` fires before the root volume is swapped (`ReplacingRootVolume:Wait`), and a
 * launch hook with the same `Action` once the instance returns to service; the instance keeps its id.
 */
import type { LifecycleActionEvent } from "./cluster-event";
import type { EventAction, EventDecision, LifecycleCompletion } from "./decision";

function route(event: LifecycleActionEvent): string {
  return `${event.origin ?? "?"} → ${event.destination ?? "?"}`;
}

function decision(event: LifecycleActionEvent, action: EventAction, why: string): EventDecision {
  const launch = event.kind === "lifecycle-launch";
  const lifecycle: LifecycleCompletion = {
    groupName: event.groupName,
    hookName: event.hookName,
    instanceId: event.instanceIds[0] ?? "",
    token: event.token,
    transition: event.transition,
    result: "CONTINUE",
    rootVolumeReplacement: event.rootVolumeReplacement,
  };
  if (action === "await-ready-and-complete-lifecycle") lifecycle.resultIfNeverReady = "ABANDON";
  const hook = `${launch ? "launch" : "terminate"} lifecycle hook "${event.hookName}" on ${event.groupName}`;
  return {
    kind: event.kind,
    action,
    instanceIds: [...event.instanceIds],
    // The hook's own heartbeat timeout bounds the wait, and it is not in the event: heartbeats extend it.
    deadline: null,
    reason: `Auto Scaling ${hook}: ${why}`,
    lifecycle,
  };
}

function decideLaunch(event: LifecycleActionEvent): EventDecision {
  if (event.destination === "WarmPool") {
    return decision(
      event,
      "complete-lifecycle",
      `the instance is entering the warm pool (${route(event)}) and does not join the cluster there; CONTINUE at once`,
    );
  }
  if (event.rootVolumeReplacement) {
    return decision(
      event,
      "await-ready-and-complete-lifecycle",
      "the instance returns to service after root volume replacement, under the same id; CONTINUE once its node " +
        "is Ready again, then uncordon it; ABANDON if it never rejoins",
    );
  }
  if (event.origin === "WarmPool") {
    return decision(
      event,
      "await-ready-and-complete-lifecycle",
      `the instance leaves the warm pool for service (${route(event)}); CONTINUE once its node is Ready, ABANDON if it never joins`,
    );
  }
  return decision(
    event,
    "await-ready-and-complete-lifecycle",
    "CONTINUE once the new node is Ready, ABANDON if it never joins",
  );
}

function decideTerminate(event: LifecycleActionEvent): EventDecision {
  if (event.rootVolumeReplacement) {
    return decision(
      event,
      "drain-and-complete-lifecycle",
      "root volume replacement (instance refresh): the instance is not terminated but restarts on a new root " +
        "volume, so drain it while recording heartbeats, then CONTINUE; uncordon it when its launch hook fires",
    );
  }
  if (event.destination === "WarmPool") {
    return decision(
      event,
      "drain-and-complete-lifecycle",
      `the instance is returning to the warm pool (${route(event)}), not terminated; drain it all the same, ` +
        "recording heartbeats, then CONTINUE",
    );
  }
  if (event.origin === "WarmPool") {
    return decision(
      event,
      "drain-and-complete-lifecycle",
      `a warm-pool instance is being terminated (${route(event)}); it should have no node, so the drain is ` +
        "expected to find nothing; then CONTINUE",
    );
  }
  return decision(event, "drain-and-complete-lifecycle", "drain while recording heartbeats, then CONTINUE");
}

export function decideLifecycle(event: LifecycleActionEvent): EventDecision {
  return event.kind === "lifecycle-launch" ? decideLaunch(event) : decideTerminate(event);
}
