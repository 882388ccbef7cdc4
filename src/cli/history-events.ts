/**
 * Step Functions history events, read for the remote `tug roll`/`tug upgrade`: fetched incrementally
 * (only what was added since the last poll) and turned into the runner events the progress views of
 * the sandbox read, so a deployed run prints the same lines.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";
import type { RunnerEvent } from "../sandbox/runner/local-workflow";

/** GetExecutionHistory's largest page. */
export const HISTORY_PAGE_SIZE = 1000;

/**
 * The events after `afterId`, oldest first. Pages are read newest first (`reverseOrder`), following
 * `nextToken`, until an event already seen turns up: a poll costs the pages of what is new, not the
 * whole history again (a long roll's history runs to thousands of events).
 */
export async function eventsAfter(client: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: HISTORY_PAGE_SIZE, nextToken }),
    );
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= afterId) return fresh.reverse();
      fresh.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return fresh.reverse();
}

/** A state entered or exited, as the local runner reports it; undefined for every other event. */
export function runnerEventOf(event: HistoryEvent): RunnerEvent | undefined {
  const type = event.type ?? "";
  const atMs = event.timestamp?.getTime() ?? 0;
  const entered = /^(\w+)StateEntered$/.exec(type);
  if (entered && event.stateEnteredEventDetails?.name) {
    return { kind: "state-entered", state: event.stateEnteredEventDetails.name, stateType: entered[1]!, atMs };
  }
  const exited = /^(\w+)StateExited$/.exec(type);
  if (exited && event.stateExitedEventDetails?.name) {
    const { name, output } = event.stateExitedEventDetails;
    return { kind: "state-exited", state: name, stateType: exited[1]!, atMs, output: parseOutput(output) };
  }
  return undefined;
}

/** A failed task or execution, in words: "Drain batch: PdbBlockedTooLongError: …". */
export function failureOf(event: HistoryEvent, state: string | undefined): string | undefined {
  const details =
    event.taskFailedEventDetails ??
    event.lambdaFunctionFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.executionFailedEventDetails;
  if (!details || !/Failed$|TimedOut$/.test(event.type ?? "")) return undefined;
  const where = event.type === "ExecutionFailed" ? "execution" : (state ?? "task");
  return `${where}: ${details.error ?? "error"}${details.cause ? `: ${details.cause}` : ""}`;
}

function parseOutput(output: string | undefined): unknown {
  if (output === undefined) return undefined;
  try {
    return JSON.parse(output);
  } catch {
    // Output beyond what the history keeps is cut short, and then no longer JSON.
    return undefined;
  }
}
