/**
 * Lifecycle hook commands of the Auto Scaling API: PutLifecycleHook (create or update), Describe,
 * Delete, CompleteLifecycleAction and RecordLifecycleActionHeartbeat. Limits from the API
 * reference: heartbeat timeout 30-7200 s (default 3600), default result ABANDON, 50 hooks per group.
 */
import type { AutoScalingEngine } from "./asg-engine";
import { LAUNCHING, TERMINATING } from "./asg-lifecycle";
import { hookShape } from "./asg-shapes";
import type { CommandHandler } from "./autoscaling";
import { asgValidation, awsError } from "./errors";
import { type CommandInput, optionalString, requireString, stringList } from "./input";
import type { LifecycleHook, LifecycleResult, LifecycleTransition } from "./model";

const MAX_HOOKS_PER_GROUP = 50;

function lifecycleResult(value: unknown): LifecycleResult {
  if (value === "CONTINUE" || value === "ABANDON") return value;
  throw asgValidation(`Invalid lifecycle action result ${String(value)}. Valid values are CONTINUE and ABANDON.`);
}

export function lifecycleHookCommands(engine: AutoScalingEngine): Record<string, CommandHandler> {
  return {
    PutLifecycleHook: (input) => putHook(engine, input),
    DescribeLifecycleHooks: (input) => {
      const group = engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
      const names = stringList(input, "LifecycleHookNames");
      const hooks = [...group.hooks.values()]
        .filter((hook) => names === undefined || names.length === 0 || names.includes(hook.name))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { LifecycleHooks: hooks.map((hook) => hookShape(group.name, hook)) };
    },
    DeleteLifecycleHook: (input) => {
      const group = engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
      const name = requireString("autoscaling", input, "LifecycleHookName");
      if (!group.hooks.delete(name)) {
        throw asgValidation(`No Lifecycle Hook found with name ${name} for AutoScalingGroup ${group.name}`);
      }
      return {};
    },
    CompleteLifecycleAction: (input) => {
      const group = engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
      const hookName = requireString("autoscaling", input, "LifecycleHookName");
      const target = actionTarget(input);
      engine.lifecycle.complete(group, { hookName, ...target, result: lifecycleResult(input.LifecycleActionResult) });
      return {};
    },
    RecordLifecycleActionHeartbeat: (input) => {
      const group = engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
      const hookName = requireString("autoscaling", input, "LifecycleHookName");
      engine.lifecycle.heartbeat(group, { hookName, ...actionTarget(input) });
      return {};
    },
  };
}

function actionTarget(input: CommandInput): { instanceId?: string; token?: string } {
  const instanceId = optionalString(input, "InstanceId");
  const token = optionalString(input, "LifecycleActionToken");
  if (instanceId === undefined && token === undefined) {
    throw asgValidation("Either an instance ID or a lifecycle action token must be specified.");
  }
  return { instanceId, token };
}

function putHook(engine: AutoScalingEngine, input: CommandInput) {
  const group = engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
  const name = requireString("autoscaling", input, "LifecycleHookName");
  const existing = group.hooks.get(name);
  const transition = (optionalString(input, "LifecycleTransition") ?? existing?.transition) as
    | LifecycleTransition
    | undefined;
  if (transition === undefined) {
    throw asgValidation(`LifecycleTransition must be specified when creating lifecycle hook ${name}.`);
  }
  if (transition !== LAUNCHING && transition !== TERMINATING) {
    throw asgValidation(`Invalid lifecycle transition: ${transition}`);
  }
  const heartbeat = input.HeartbeatTimeout ?? existing?.heartbeatTimeoutSeconds ?? 3600;
  if (typeof heartbeat !== "number" || !Number.isInteger(heartbeat) || heartbeat < 30 || heartbeat > 7200) {
    throw asgValidation(`HeartbeatTimeout must be between 30 and 7200 seconds, got ${String(heartbeat)}.`);
  }
  const defaultResult =
    input.DefaultResult === undefined ? (existing?.defaultResult ?? "ABANDON") : lifecycleResult(input.DefaultResult);
  if (!existing && group.hooks.size >= MAX_HOOKS_PER_GROUP) {
    throw awsError(
      "autoscaling",
      "LimitExceeded",
      `Lifecycle hooks limit of ${MAX_HOOKS_PER_GROUP} exceeded for AutoScalingGroup ${group.name}.`,
    );
  }
  const hook: LifecycleHook = {
    name,
    transition,
    heartbeatTimeoutSeconds: heartbeat,
    defaultResult,
    notificationMetadata: optionalString(input, "NotificationMetadata") ?? existing?.notificationMetadata,
    notificationTargetArn: optionalString(input, "NotificationTargetARN") ?? existing?.notificationTargetArn,
    roleArn: optionalString(input, "RoleARN") ?? existing?.roleArn,
  };
  group.hooks.set(name, hook);
  return {};
}
