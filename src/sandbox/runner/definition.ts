/**
 * Prepares an ASL definition for the local interpreter without changing what it means:
 * Wait states become Tasks whose local handler advances the virtual clock by the time the
 * workflow asked for (the interpreter can only replace a wait by fixed real milliseconds), and
 * Lambda placeholders get ARN-shaped values that the runner maps back to handler modules.
 */
export interface PreparedDefinition {
  definition: Record<string, unknown>;
  /** State name → placeholder of the Lambda it invokes ("PlanRollFunctionArn"). */
  lambdaStates: Map<string, string>;
  /** Lambda state name → its definition (the runner reads its `Retry`). */
  lambdaDefinitions: Map<string, Record<string, unknown>>;
  /** State name → how long it waits. */
  waitStates: Map<string, WaitSpec>;
  /** State name → placeholder of the state machine it starts as a child (startExecution.sync:2). */
  childStates: Map<string, string>;
  /** `.waitForTaskToken` states: the Lambda they invoke with the token, and their TimeoutSeconds. */
  tokenStates: Map<string, { placeholder: string; timeoutSeconds: number }>;
  stateTypes: Map<string, string>;
}

export const START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2";
export const LAMBDA_WAIT_FOR_TASK_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";
/** Far beyond any run, and under setTimeout's 2^31 ms. */
const WALL_CLOCK_TIMEOUT_SECONDS = 2_000_000;

/** Step Functions' own limit when a task sets no TimeoutSeconds: the execution's (a year). */
const DEFAULT_TASK_TOKEN_TIMEOUT_SECONDS = 365 * 86_400;
/**
 * What `$$.Task.Token` reads in the interpreter (its context is one object per execution); the runner
 * replaces it with a fresh token each time the task starts.
 */
export const TASK_TOKEN_MARKER = "TugboatSandboxTaskTokenMarker";

export type WaitSpec =
  | { seconds: number }
  | { secondsPath: string }
  | { timestamp: string }
  | { timestampPath: string };

type StateDef = Record<string, unknown>;

export const SANDBOX_ACCOUNT = "123456789012";
const WAIT_RESOURCE = `arn:aws:lambda:us-east-1:${SANDBOX_ACCOUNT}:function:tugboat-sandbox-wait`;

/**
 * The interpreter stamps `$$.Execution.StartTime` with the wall clock whatever context it is given; the
 * runner passes the virtual start under this name and the prepared definition reads it instead.
 */
export const VIRTUAL_START_TIME = "TugboatVirtualStartTime";

export function prepareDefinition(source: Record<string, unknown>, region: string): PreparedDefinition {
  const definition = JSON.parse(
    JSON.stringify(source).replaceAll('"$$.Execution.StartTime"', () => `"$$.Execution.${VIRTUAL_START_TIME}"`),
  ) as Record<string, unknown>;
  const prepared: PreparedDefinition = {
    definition,
    lambdaStates: new Map(),
    lambdaDefinitions: new Map(),
    waitStates: new Map(),
    childStates: new Map(),
    tokenStates: new Map(),
    stateTypes: new Map(),
  };
  prepareStates(definition.States as Record<string, StateDef>, region, prepared);
  return prepared;
}

/** Prepares one level of states and every nested one (Map processors, Parallel branches). */
function prepareStates(states: Record<string, StateDef>, region: string, prepared: PreparedDefinition): void {
  const { lambdaStates, waitStates, childStates, stateTypes } = prepared;
  for (const [name, state] of Object.entries(states)) {
    const definedTimeout = state.TimeoutSeconds;
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, StateDef> } | undefined;
    if (processor?.States) prepareStates(processor.States, region, prepared);
    for (const branch of (state.Branches as { States: Record<string, StateDef> }[] | undefined) ?? []) {
      prepareStates(branch.States, region, prepared);
    }
    if (state.Type === "Task") {
      // The interpreter races every task against a timer in real milliseconds (60 s when TimeoutSeconds
      // is absent): a child roll or a long step on a busy machine would fail with States.Timeout for no
      // reason the workflow knows. Time is virtual here; the step meter reports the longest step against
      // Lambda's 900 s, and task tokens are timed out on the virtual clock (below).
      state.TimeoutSeconds = WALL_CLOCK_TIMEOUT_SECONDS;
    }
    if (state.Type === "Task" && state.Resource === START_EXECUTION_SYNC) {
      const params = state.Parameters as Record<string, unknown>;
      const placeholder = /^\$\{(\w+)\}$/.exec(String(params.StateMachineArn))?.[1];
      if (!placeholder) throw new Error(`state "${name}": StateMachineArn must be a \${Placeholder}`);
      childStates.set(name, placeholder);
      params.StateMachineArn = `arn:aws:states:${region}:${SANDBOX_ACCOUNT}:stateMachine:tugboat-${placeholder}`;
    }
    stateTypes.set(name, String(state.Type));
    if (state.Type === "Task" && state.Resource === LAMBDA_WAIT_FOR_TASK_TOKEN) {
      const params = state.Parameters as Record<string, unknown>;
      const placeholder = /^\$\{(\w+)\}$/.exec(String(params.FunctionName))?.[1];
      if (!placeholder) throw new Error(`state "${name}": FunctionName must be a \${Placeholder}`);
      if (state.TimeoutSecondsPath !== undefined) {
        throw new Error(`state "${name}": the sandbox emulates TimeoutSeconds of a task token, not TimeoutSecondsPath`);
      }
      const timeoutSeconds = typeof definedTimeout === "number" ? definedTimeout : DEFAULT_TASK_TOKEN_TIMEOUT_SECONDS;
      prepared.tokenStates.set(name, { placeholder, timeoutSeconds });
      params.FunctionName = `arn:aws:lambda:${region}:${SANDBOX_ACCOUNT}:function:tugboat-${placeholder}`;
      continue;
    }
    if (state.Type === "Wait") {
      waitStates.set(name, waitSpecOf(name, state));
      const { Seconds: _s, SecondsPath: _sp, Timestamp: _t, TimestampPath: _tp, Type: _type, ...rest } = state;
      states[name] = { ...rest, Type: "Task", Resource: WAIT_RESOURCE };
      continue;
    }
    if (state.Type === "Task" && state.Resource === "arn:aws:states:::lambda:invoke") {
      const params = state.Parameters as Record<string, unknown>;
      const placeholder = /^\$\{(\w+)\}$/.exec(String(params.FunctionName))?.[1];
      if (!placeholder) throw new Error(`state "${name}": FunctionName must be a \${Placeholder}`);
      lambdaStates.set(name, placeholder);
      prepared.lambdaDefinitions.set(name, state);
      params.FunctionName = `arn:aws:lambda:${region}:${SANDBOX_ACCOUNT}:function:tugboat-${placeholder}`;
    }
  }
}

function waitSpecOf(name: string, state: StateDef): WaitSpec {
  if (typeof state.Seconds === "number") return { seconds: state.Seconds };
  if (typeof state.SecondsPath === "string") return { secondsPath: state.SecondsPath };
  if (typeof state.Timestamp === "string") return { timestamp: state.Timestamp };
  if (typeof state.TimestampPath === "string") return { timestampPath: state.TimestampPath };
  throw new Error(`Wait state "${name}" has no Seconds, SecondsPath, Timestamp or TimestampPath`);
}

/** Reads a simple JSONPath ("$.a.b") from a state input. */
export function readPath(input: unknown, path: string): unknown {
  if (path === "$") return input;
  let value: unknown = input;
  for (const key of path.replace(/^\$\./, "").split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Seconds a Wait asks for, given its input and the virtual now. */
export function waitSeconds(spec: WaitSpec, input: unknown, nowMs: number): number {
  if ("seconds" in spec) return spec.seconds;
  if ("secondsPath" in spec) return Number(readPath(input, spec.secondsPath) ?? 0);
  const stamp = "timestamp" in spec ? spec.timestamp : String(readPath(input, spec.timestampPath));
  return Math.max(0, (Date.parse(stamp) - nowMs) / 1000);
}
