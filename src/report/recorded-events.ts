/**
 * The events a run records, in one shape whether the run was local (the sandbox runner's events) or
 * deployed (Step Functions' execution history): states entered and exited with their output, retries,
 * caught errors and failures. Every report is built from these only, so `tug report <execution-arn>`
 * and `--report` on a sandbox run draw the same pictures.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";

export interface RecordedEvent {
  kind: "entered" | "exited" | "retried" | "caught" | "failed";
  state: string;
  atMs: number;
  output?: unknown;
  /** Error name (retried, caught, failed). */
  error?: string;
  cause?: string;
  /** A child execution's name (an upgrade's node-group rolls); undefined for the run itself. */
  execution?: string;
}

/** The local runner's event (src/sandbox/runner/local-workflow.ts), structurally. */
export interface RunnerEventLike {
  kind: "state-entered" | "state-exited" | "state-retried" | "state-caught";
  state: string;
  atMs: number;
  output?: unknown;
  error?: string;
  execution?: string;
}

const RUNNER_KINDS = {
  "state-entered": "entered",
  "state-exited": "exited",
  "state-retried": "retried",
  "state-caught": "caught",
} as const;

export function fromRunnerEvent(event: RunnerEventLike): RecordedEvent {
  return {
    kind: RUNNER_KINDS[event.kind],
    state: event.state,
    atMs: event.atMs,
    ...(event.output !== undefined ? { output: event.output } : {}),
    ...(event.error !== undefined ? { error: event.error } : {}),
    ...(event.execution !== undefined ? { execution: event.execution } : {}),
  };
}

/**
 * A deployed execution's history, oldest first, as recorded events. Only Task states are kept, as the
 * local runner reports them: Pass, Choice and Wait states carry no work of their own (a Wait's time shows
 * as the gap between two polls). Failures keep their error and cause.
 */
export function fromHistory(events: HistoryEvent[], execution?: string): RecordedEvent[] {
  const taskNames = new Set<string>();
  const recorded: RecordedEvent[] = [];
  let current: string | undefined;
  const tag = execution !== undefined ? { execution } : {};
  for (const event of events) {
    const type = event.type ?? "";
    const atMs = event.timestamp ? new Date(event.timestamp).getTime() : 0;
    if (type === "TaskStateEntered" && event.stateEnteredEventDetails?.name) {
      current = event.stateEnteredEventDetails.name;
      taskNames.add(current);
      recorded.push({ kind: "entered", state: current, atMs, ...tag });
    } else if (type === "TaskStateExited" && event.stateExitedEventDetails?.name) {
      const name = event.stateExitedEventDetails.name;
      recorded.push({
        kind: "exited",
        state: name,
        atMs,
        output: parseJson(event.stateExitedEventDetails.output),
        ...tag,
      });
    } else if (/^(Task|LambdaFunction)(Failed|TimedOut)$/.test(type)) {
      const details =
        event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails ?? event.taskTimedOutEventDetails;
      recorded.push({
        kind: "failed",
        state: current ?? "task",
        atMs,
        ...(details?.error ? { error: details.error } : {}),
        ...(details?.cause ? { cause: details.cause } : {}),
        ...tag,
      });
    } else if (type === "ExecutionFailed" || type === "ExecutionAborted" || type === "ExecutionTimedOut") {
      const details =
        event.executionFailedEventDetails ?? event.executionAbortedEventDetails ?? event.executionTimedOutEventDetails;
      recorded.push({
        kind: "failed",
        state: "execution",
        atMs,
        ...(details?.error ? { error: details.error } : {}),
        ...(details?.cause ? { cause: details.cause } : {}),
        ...tag,
      });
    }
  }
  return recorded;
}

/** The events of one execution: the run's own (undefined) or a child's by name. */
export function eventsOf(events: RecordedEvent[], execution?: string): RecordedEvent[] {
  return events.filter((e) => e.execution === execution);
}

/** The children's names, in the order they started. */
export function childExecutions(events: RecordedEvent[]): string[] {
  const names: string[] = [];
  for (const e of events) if (e.execution !== undefined && !names.includes(e.execution)) names.push(e.execution);
  return names;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // output past what the history keeps is cut short, and no longer JSON
  }
}
