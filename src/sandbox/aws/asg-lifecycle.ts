/**
 * Lifecycle hooks and the actions they put instances through (EC2 Auto Scaling User Guide, "Amazon
 * EC2 Auto Scaling lifecycle hooks"): an instance waits in Pending:Wait or Terminating:Wait until
 * every hook of the transition is completed, or its heartbeat timeout passes and the hook's default
 * result applies. A heartbeat restarts the timeout, but never past 100 × the heartbeat timeout or
 * 48 hours from the start, whichever is sooner. For a launch, any ABANDON terminates the instance;
 * for a termination, CONTINUE and ABANDON both let it proceed.
 */
import { asgValidation } from "./errors";
import type { LifecycleAction, LifecycleResult, LifecycleTransition, SimGroup } from "./model";
import type { RegionContext } from "./world";

export const LAUNCHING: LifecycleTransition = "autoscaling:EC2_INSTANCE_LAUNCHING";
export const TERMINATING: LifecycleTransition = "autoscaling:EC2_INSTANCE_TERMINATING";

const MAX_WAIT_SECONDS = 48 * 3600;

export interface LifecycleCallbacks {
  /** Every launch hook of the instance is done; `result` is ABANDON when any hook abandoned. */
  launchSettled(group: SimGroup, instanceId: string, result: LifecycleResult): void;
  terminateSettled(group: SimGroup, instanceId: string): void;
}

export class LifecycleActions {
  private readonly abandoned = new Set<string>();

  constructor(
    private readonly ctx: RegionContext,
    private readonly callbacks: LifecycleCallbacks,
  ) {}

  /** Starts an action per hook of `transition`; false when the group has no such hook. */
  begin(group: SimGroup, instanceId: string, transition: LifecycleTransition): boolean {
    const hooks = [...group.hooks.values()].filter((hook) => hook.transition === transition);
    if (hooks.length === 0) return false;
    const now = this.ctx.clock.nowMs();
    for (const hook of hooks) {
      const action: LifecycleAction = {
        token: this.ctx.tokens.uuid(),
        hookName: hook.name,
        instanceId,
        transition,
        heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds,
        defaultResult: hook.defaultResult,
        startedMs: now,
        deadlineMs: now + hook.heartbeatTimeoutSeconds * 1000,
        globalDeadlineMs: now + Math.min(100 * hook.heartbeatTimeoutSeconds, MAX_WAIT_SECONDS) * 1000,
        timerId: 0,
      };
      this.schedule(group, action);
      group.actions.push(action);
      const detailType =
        transition === LAUNCHING ? "EC2 Instance-launch Lifecycle Action" : "EC2 Instance-terminate Lifecycle Action";
      this.ctx.events.emit("aws.autoscaling", detailType, [group.arn], {
        LifecycleActionToken: action.token,
        AutoScalingGroupName: group.name,
        LifecycleHookName: hook.name,
        EC2InstanceId: instanceId,
        LifecycleTransition: transition,
        ...(hook.notificationMetadata !== undefined ? { NotificationMetadata: hook.notificationMetadata } : {}),
      });
    }
    return true;
  }

  complete(
    group: SimGroup,
    request: { hookName: string; instanceId?: string; token?: string; result: LifecycleResult },
  ): void {
    const action = this.find(group, request.hookName, request.instanceId, request.token);
    this.settle(group, action, request.result);
  }

  heartbeat(group: SimGroup, request: { hookName: string; instanceId?: string; token?: string }): void {
    const action = this.find(group, request.hookName, request.instanceId, request.token);
    this.ctx.clock.cancel(action.timerId);
    const now = this.ctx.clock.nowMs();
    action.deadlineMs = Math.min(now + action.heartbeatTimeoutSeconds * 1000, action.globalDeadlineMs);
    this.schedule(group, action);
  }

  /** Drops an instance's pending actions (it went away by other means). */
  discard(group: SimGroup, instanceId: string): void {
    for (const action of group.actions.filter((a) => a.instanceId === instanceId)) {
      this.ctx.clock.cancel(action.timerId);
    }
    group.actions = group.actions.filter((a) => a.instanceId !== instanceId);
    this.abandoned.delete(instanceId);
  }

  private schedule(group: SimGroup, action: LifecycleAction): void {
    action.timerId = this.ctx.clock.at(
      action.deadlineMs,
      `lifecycle timeout ${action.hookName} ${action.instanceId}`,
      () => this.settle(group, action, action.defaultResult),
    );
  }

  private find(group: SimGroup, hookName: string, instanceId?: string, token?: string): LifecycleAction {
    const action = group.actions.find(
      (a) =>
        a.hookName === hookName &&
        (token === undefined || a.token === token) &&
        (instanceId === undefined || a.instanceId === instanceId),
    );
    if (action) return action;
    if (instanceId === undefined && token !== undefined) {
      throw asgValidation(`No active Lifecycle Action found with token ${token}`);
    }
    throw asgValidation(`No active Lifecycle Action found with instance ID ${instanceId ?? "(none given)"}`);
  }

  private settle(group: SimGroup, action: LifecycleAction, result: LifecycleResult): void {
    if (!group.actions.includes(action)) return;
    this.ctx.clock.cancel(action.timerId);
    group.actions = group.actions.filter((a) => a !== action);
    if (result === "ABANDON") this.abandoned.add(action.instanceId);
    const stillWaiting = group.actions.some(
      (a) => a.instanceId === action.instanceId && a.transition === action.transition,
    );
    if (stillWaiting) return;
    const anyAbandoned = this.abandoned.delete(action.instanceId);
    if (action.transition === LAUNCHING) {
      this.callbacks.launchSettled(group, action.instanceId, anyAbandoned ? "ABANDON" : "CONTINUE");
    } else {
      this.callbacks.terminateSettled(group, action.instanceId);
    }
  }
}
