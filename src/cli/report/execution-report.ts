/**
 * The report of a deployed execution, from Step Functions alone: its history (and, for an upgrade, the
 * histories of the child rolls its history names), turned into recorded events and built into the same
 * report a sandbox run gets, less what only the sandbox observes (capacity, PDB violations).
 */
import { DescribeExecutionCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";
import { buildReportFromEvents } from "../../report/build-report";
import type { Report } from "../../report/model";
import { fromHistory, type RecordedEvent } from "../../report/recorded-events";
import { eventsAfter } from "../history-events";

const EXECUTION_ARN = /arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[\w-]+:[\w.-]+/g;

/** Child executions a history names (startExecution.sync results carry the child's ExecutionArn). */
export function childArnsIn(events: HistoryEvent[], parent: string): string[] {
  const found = new Set<string>();
  for (const event of events) {
    const texts = [
      event.taskSucceededEventDetails?.output,
      event.taskSubmittedEventDetails?.output,
      event.stateExitedEventDetails?.output,
      event.taskFailedEventDetails?.cause,
    ];
    for (const text of texts)
      for (const match of text?.match(EXECUTION_ARN) ?? []) if (match !== parent) found.add(match);
  }
  return [...found];
}

export const executionNameOf = (arn: string) => arn.split(":").pop() ?? arn;

export async function reportOfExecution(client: SFNClient, executionArn: string): Promise<Report> {
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  const history = await eventsAfter(client, executionArn, 0);
  const events: RecordedEvent[] = fromHistory(history);
  for (const child of childArnsIn(history, executionArn)) {
    events.push(...fromHistory(await eventsAfter(client, child, 0), executionNameOf(child)));
  }
  const reason = described.cause ?? described.error;
  return buildReportFromEvents(
    events,
    `Execution ${executionArn} (${described.status ?? "status unknown"}), read from its Step Functions history`,
    reason ?? undefined,
  );
}
