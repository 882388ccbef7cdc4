/**
 * Runs a workflow's ASL definition in aws-local-stepfunctions against the sandbox, with each Lambda
 * task mapped to the same handler module that is deployed, the lambda:invoke integration emulated
 * (the handler gets Payload; its result is wrapped; a thrown error becomes Error/Cause as Lambda
 * reports it), Wait states advancing the virtual clock, and every step costing modelled time.
 */
import { ExecutionAbortedError, type StateMachine } from "aws-local-stepfunctions";
import { invokeWithDeps } from "../../../functions/lib/runtime";
import type { WorkflowSpec } from "../../../workflows";
import { loadDefinition } from "../../../workflows";
import type { Deps } from "../../core/ports";
import type { VirtualClock } from "../clock";
import type { IamEnforcer } from "../iam/enforcer";
import { sandboxFunctionArn, sandboxStateMachineArn, stateMachineRoleName } from "../iam/roles";
import { prepareDefinition, SANDBOX_ACCOUNT, TASK_TOKEN_MARKER, VIRTUAL_START_TIME, waitSeconds } from "./definition";
import { loadHandler } from "./handlers";
import { ExecutionMeter } from "./history";
import { StateRetryClock } from "./retry-backoff";
import { stateMachineOf } from "./state-machine";
import type { TaskTokens } from "./task-tokens";
import type { VirtualScheduler } from "./virtual-scheduler";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

export interface StepCost {
  /** One invocation's own modelled time, API calls aside, sampled per invocation (its name says which). */
  stepSeconds(invocation: string): number;
  /** Starts measuring a step; the returned function gives the modelled seconds of the step's API calls. */
  measure(): () => number;
  /** A uniform number in [0, 1) for the FULL jitter of a Retry wait (default: no jitter, the whole wait). */
  retryJitter?(retry: string): number;
}

export interface RunnerEvent {
  kind: "state-entered" | "state-exited" | "state-retried" | "state-caught";
  state: string;
  stateType: string;
  atMs: number;
  output?: unknown;
  /** For state-retried and state-caught: the error's name (what Retry and Catch matched on). */
  error?: string;
  /** Set for events of a child execution: its name. */
  execution?: string;
}

export interface LocalRunOptions {
  spec: WorkflowSpec;
  input: unknown;
  executionName: string;
  region: string;
  clock: VirtualClock;
  deps: Deps;
  /** Each step's own dependencies (its role's clients, as each deployed function has its own); else `deps`. */
  depsForStep?: (module: string) => Deps;
  /** Authorizes what the state machine's role does: invoke each step, start each child workflow. */
  iam?: IamEnforcer;
  cost: StepCost;
  /** Registry shared with the simulated SFN API (DescribeExecution). */
  executions: Map<string, ExecutionStatus>;
  /** A hard stop: the execution dies right after this state exits for the given time (default first). */
  crashAfter?: { state: string; occurrence?: number };
  /** Called before a Lambda task runs, with how many times it has run (tests inject aborts and rivals here). */
  beforeState?: (state: string, occurrence: number) => Promise<void> | void;
  onEvent?: (event: RunnerEvent) => void;
  /** Shares the virtual clock between executions that run at the same time (parallel children). */
  scheduler: VirtualScheduler;
  /** Task tokens of `.waitForTaskToken` states, shared with the simulated SendTaskSuccess/SendTaskFailure. */
  tasks?: TaskTokens;
  /** Runs a child workflow to its end (startExecution.sync:2). */
  startChild?: (request: { workflow: string; input: unknown; executionName: string }) => Promise<LocalRunResult>;
}

export interface LocalRunResult {
  executionArn: string;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  /** The last state output seen: the summary of a run that ends in a Fail state. */
  lastOutput?: unknown;
  startedAtMs: number;
  endedAtMs: number;
  meter: ExecutionMeter;
}

/**
 * The error Step Functions sees when a function throws: Error is the error's name and Cause the JSON
 * Lambda writes. The interpreter reads Cause from the message (in Catch) or from `cause`, so set both.
 */
function lambdaError(err: unknown): Error {
  const source = err instanceof Error ? err : new Error(String(err));
  const cause = JSON.stringify({ errorType: source.name || "Error", errorMessage: source.message, trace: [] });
  const error = new Error(cause, { cause });
  error.name = source.name || "Error";
  return error;
}

/**
 * The state machine's role must allow what Step Functions does for it; a refusal fails the task as Step
 * Functions reports it (the integration's exception name, IAM's message as the cause).
 */
async function authorizeStateMachine(
  options: LocalRunOptions,
  action: "lambda:InvokeFunction" | "states:StartExecution",
  resource: (acct: { account: string; region: string; tableName: string; clusters: string[] }) => string,
): Promise<void> {
  const iam = options.iam;
  if (!iam) return;
  const role = iam.role(stateMachineRoleName(options.spec.name));
  const acct = { account: SANDBOX_ACCOUNT, region: options.region, tableName: "", clusters: [] };
  try {
    await iam.check(role, { action, resource: resource(acct), context: {} });
  } catch (err) {
    const error = new Error((err as Error).message);
    error.name = action.startsWith("lambda:") ? "Lambda.AWSLambdaException" : "StepFunctions.AWSStepFunctionsException";
    throw error;
  }
}

export async function runLocalWorkflow(options: LocalRunOptions): Promise<LocalRunResult> {
  const { spec, clock, deps, cost, scheduler } = options;
  const prepared = prepareDefinition(loadDefinition(spec), options.region);
  const executionArn = `arn:aws:states:${options.region}:${SANDBOX_ACCOUNT}:execution:tugboat-${spec.name}:${options.executionName}`;
  if (options.executions.has(executionArn)) {
    throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), { name: "ExecutionAlreadyExists" });
  }
  options.executions.set(executionArn, "RUNNING");
  scheduler.join();
  const meter = new ExecutionMeter();
  const occurrences = new Map<string, number>();
  // Step Functions waits between a failed Task and its retry: the interpreter retries at once, and the
  // runner sleeps the retrier's interval on the virtual clock before handing the failure back.
  const retryClocks = new Map(
    [...prepared.lambdaDefinitions].map(([name, state]) => [name, StateRetryClock.of(state)]),
  );
  const invocations = new Map<string, number>();
  const startedAtMs = clock.nowMs();

  let execution: ReturnType<StateMachine["run"]> | undefined;
  let lastOutput: unknown;
  let crashed = false;
  const taskResourceLocalHandlers: Record<string, (input: never) => Promise<never>> = {};
  for (const [stateName, placeholder] of prepared.lambdaStates) {
    const fn = spec.functions[placeholder];
    if (!fn) throw new Error(`workflow ${spec.name}: no function for placeholder ${placeholder}`);
    const stepDeps = options.depsForStep?.(fn.module) ?? deps;
    taskResourceLocalHandlers[stateName] = (async (request: { Payload: unknown }) => {
      await authorizeStateMachine(options, "lambda:InvokeFunction", (acct) => sandboxFunctionArn(acct, fn.module));
      const handler = await loadHandler(fn.module);
      const invocation = (invocations.get(stateName) ?? 0) + 1;
      invocations.set(stateName, invocation);
      if (options.beforeState) {
        // A hook may run other executions to their end (a rival roll, an event reaction): this one steps
        // aside meanwhile, so that time can move for them.
        scheduler.leave();
        try {
          await options.beforeState(stateName, invocation);
        } finally {
          scheduler.join();
        }
      }
      // Progress is reported from here, where the virtual time is exact (the event log is read later).
      options.onEvent?.({ kind: "state-entered", state: stateName, stateType: "Task", atMs: clock.nowMs() });
      const startMs = clock.nowMs();
      // The handler runs alone (its calls are its own), then sleeps for the step's modelled duration.
      const outcome = await scheduler.exclusive(async () => {
        const measured = cost.measure();
        try {
          return {
            ok: true as const,
            value: await invokeWithDeps(stepDeps, handler, request.Payload, { functionName: placeholder }),
            callSeconds: measured(),
          };
        } catch (err) {
          return { ok: false as const, error: err, callSeconds: measured() };
        }
      });
      const seconds = cost.stepSeconds(`${executionArn}/${stateName}#${invocation}`) + outcome.callSeconds;
      await scheduler.sleepUntil(startMs + seconds * 1000);
      meter.step(stateName, (clock.nowMs() - startMs) / 1000);
      const retries = retryClocks.get(stateName);
      if (!outcome.ok) {
        const error = lambdaError(outcome.error);
        const retryKey = `${executionArn}/${stateName}#${invocation}`;
        const wait = retries?.failed(error.name, () => cost.retryJitter?.(retryKey) ?? 1);
        if (wait !== undefined && wait > 0) await scheduler.sleepUntil(clock.nowMs() + wait * 1000);
        throw error;
      }
      retries?.reset();
      const result: unknown = outcome.value;
      lastOutput = result;
      options.onEvent?.({
        kind: "state-exited",
        state: stateName,
        stateType: "Task",
        atMs: clock.nowMs(),
        output: result,
      });
      const crash = options.crashAfter;
      if (crash && crash.state === stateName && invocation === (crash.occurrence ?? 1)) {
        // A hard stop right after this step's side effects: nothing after it runs, no cleanup.
        crashed = true;
        execution?.abort();
        return new Promise<never>(() => undefined);
      }
      return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 } as never;
    }) as never;
  }
  for (const [stateName, spec] of prepared.waitStates) {
    taskResourceLocalHandlers[stateName] = (async (input: unknown) => {
      await scheduler.sleepUntil(clock.nowMs() + waitSeconds(spec, input, clock.nowMs()) * 1000);
      meter.waited();
      return input as never;
    }) as never;
  }
  for (const [stateName, token] of prepared.tokenStates) {
    const fn = spec.functions[token.placeholder];
    if (!fn) throw new Error(`workflow ${spec.name}: no function for placeholder ${token.placeholder}`);
    const stepDeps = options.depsForStep?.(fn.module) ?? deps;
    // The callback pattern: Step Functions invokes the function with the token, then the task waits for
    // SendTaskSuccess or SendTaskFailure, or fails with States.Timeout after TimeoutSeconds.
    taskResourceLocalHandlers[stateName] = (async (request: { Payload: unknown }) => {
      const tasks = options.tasks;
      if (!tasks) throw new Error(`workflow ${spec.name}: task tokens are not available here`);
      await authorizeStateMachine(options, "lambda:InvokeFunction", (acct) => sandboxFunctionArn(acct, fn.module));
      const handler = await loadHandler(fn.module);
      const taskToken = tasks.issue(executionArn, stateName);
      const payload = JSON.parse(
        JSON.stringify(request.Payload ?? null).replaceAll(`"${TASK_TOKEN_MARKER}"`, () => JSON.stringify(taskToken)),
      ) as unknown;
      options.onEvent?.({ kind: "state-entered", state: stateName, stateType: "Task", atMs: clock.nowMs() });
      const startMs = clock.nowMs();
      const invocation = (invocations.get(stateName) ?? 0) + 1;
      invocations.set(stateName, invocation);
      const outcome = await scheduler.exclusive(async () => {
        const measured = cost.measure();
        try {
          await invokeWithDeps(stepDeps, handler, payload, { functionName: token.placeholder });
          return { ok: true as const, callSeconds: measured() };
        } catch (err) {
          return { ok: false as const, error: err, callSeconds: measured() };
        }
      });
      const seconds = cost.stepSeconds(`${executionArn}/${stateName}#${invocation}`) + outcome.callSeconds;
      await scheduler.sleepUntil(startMs + seconds * 1000);
      if (!outcome.ok) {
        tasks.discard(taskToken);
        throw lambdaError(outcome.error);
      }
      const answer = await tasks.park(taskToken, startMs + token.timeoutSeconds * 1000, scheduler);
      meter.step(stateName, (clock.nowMs() - startMs) / 1000);
      if (answer.kind === "timeout") {
        throw Object.assign(new Error(`the task did not get a result within ${token.timeoutSeconds} s`), {
          name: "States.Timeout",
        });
      }
      if (answer.kind === "failure") {
        throw Object.assign(new Error(answer.cause, { cause: answer.cause }), { name: answer.error });
      }
      lastOutput = answer.output;
      options.onEvent?.({
        kind: "state-exited",
        state: stateName,
        stateType: "Task",
        atMs: clock.nowMs(),
        output: answer.output,
      });
      return answer.output as never;
    }) as never;
  }
  let waitingOnChildren = 0;
  for (const [stateName, placeholder] of prepared.childStates) {
    const workflow = spec.children?.[placeholder];
    if (!workflow) throw new Error(`workflow ${spec.name}: no child workflow for placeholder ${placeholder}`);
    taskResourceLocalHandlers[stateName] = (async (request: {
      StateMachineArn: string;
      Name?: string;
      Input?: unknown;
    }) => {
      if (!options.startChild) throw new Error(`workflow ${spec.name}: child executions are not available here`);
      await authorizeStateMachine(options, "states:StartExecution", (acct) => sandboxStateMachineArn(acct, workflow));
      const executionName = request.Name ?? `${options.executionName}-${workflow}-${clock.nowMs()}`;
      // The child joins the clock before this execution steps aside for as long as it waits on children.
      const running = options.startChild({ workflow, input: request.Input, executionName });
      if (waitingOnChildren++ === 0) scheduler.leave();
      let child: LocalRunResult;
      try {
        child = await running;
      } finally {
        if (--waitingOnChildren === 0) scheduler.join();
      }
      const described = {
        ExecutionArn: child.executionArn,
        StateMachineArn: request.StateMachineArn,
        Name: executionName,
        Status: child.status === "SUCCEEDED" ? "SUCCEEDED" : child.status,
        StartDate: new Date(child.startedAtMs).toISOString(),
        StopDate: new Date(child.endedAtMs).toISOString(),
        Input: request.Input,
      };
      if (child.status === "SUCCEEDED") return { ...described, Output: child.output } as never;
      // As Step Functions reports a failed child: States.TaskFailed, with DescribeExecution's JSON as Cause.
      const cause = JSON.stringify({ ...described, Error: child.error, Cause: child.cause });
      const error = new Error(cause, { cause });
      error.name = "States.TaskFailed";
      throw error;
    }) as never;
  }
  const retryIntervalOverrides: Record<string, number> = {};
  for (const name of prepared.lambdaStates.keys()) retryIntervalOverrides[name] = 0;

  const machine = stateMachineOf(prepared.definition);
  execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, retryIntervalOverrides },
    context: {
      Execution: {
        Id: executionArn,
        Name: options.executionName,
        StartTime: clock.now().toISOString(),
        [VIRTUAL_START_TIME]: clock.now().toISOString(),
        Input: options.input,
      },
      Task: { Token: TASK_TOKEN_MARKER },
    } as never,
  });

  const running = execution;
  // StateFailed carries the error; the StateRetried or StateCaught that follows names only the state.
  const lastError = new Map<string, string>();
  const consume = (async () => {
    for await (const event of running.eventLogs) {
      if (event.type === "StateFailed") {
        lastError.set(event.state.name, event.Error);
      } else if (event.type === "StateEntered") {
        const name = event.state.name;
        occurrences.set(name, (occurrences.get(name) ?? 0) + 1);
        meter.entered(prepared.stateTypes.get(name) === "Wait" ? "Wait" : event.state.type, event.state.input);
      } else if (event.type === "StateExited") {
        meter.payload(event.state.output);
      } else if (event.type === "StateRetried") {
        meter.retried();
        options.onEvent?.({
          kind: "state-retried",
          state: event.state.name,
          stateType: event.state.type,
          atMs: clock.nowMs(),
          ...errorOf(lastError, event.state.name),
        });
      } else if (event.type === "StateCaught") {
        options.onEvent?.({
          kind: "state-caught",
          state: event.state.name,
          stateType: event.state.type,
          atMs: clock.nowMs(),
          ...errorOf(lastError, event.state.name),
        });
      }
    }
  })();

  let result: LocalRunResult;
  try {
    const output = await running.result;
    result = { executionArn, status: "SUCCEEDED", output, lastOutput, startedAtMs, endedAtMs: clock.nowMs(), meter };
  } catch (err) {
    if (err instanceof ExecutionAbortedError || crashed) {
      result = { executionArn, status: "ABORTED", lastOutput, startedAtMs, endedAtMs: clock.nowMs(), meter };
    } else {
      // ExecutionError wraps the runtime error: its name is the States error, its message the Cause.
      const failure = err as Error & { cause?: unknown };
      const inner = failure.cause instanceof Error ? failure.cause : failure;
      result = {
        executionArn,
        status: "FAILED",
        error: inner.name,
        cause: inner.message,
        lastOutput,
        startedAtMs,
        endedAtMs: clock.nowMs(),
        meter,
      };
    }
  }
  await consume.catch(() => undefined);
  scheduler.leave();
  options.executions.set(executionArn, result.status);
  return result;
}

function errorOf(lastError: Map<string, string>, state: string): { error?: string } {
  const error = lastError.get(state);
  return error === undefined ? {} : { error };
}
