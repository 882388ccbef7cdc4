/**
 * Starts and follows an execution of the deployed state machine (no --sandbox). Progress comes from
 * the execution history; the result is the Summarize state's output, also on a failed execution.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { RollSummary } from "../core/roll/state";
import type { CliIO } from "./io";
import { UsageError } from "./io";

export interface RemoteRunResult {
  status: string;
  summary?: RollSummary;
  error?: string;
  cause?: string;
}

/**
 * Prints how a deployed execution ended (its Summarize output, or Step Functions' cause) as a line, or as
 * the JSON object ending stdout; returns the outcome.
 */
export function printRemoteOutcome(io: CliIO, remote: RemoteRunResult, asJson: boolean): string {
  const summary = remote.summary as { outcome?: string; reason?: string } | undefined;
  const outcome = summary?.outcome ?? (remote.status === "SUCCEEDED" ? "succeeded" : "failed");
  const json = { ...(remote.summary ?? {}), outcome, status: remote.status, reason: summary?.reason ?? remote.cause };
  if (asJson) io.stdout(JSON.stringify(json));
  else io.stdout(`${outcome}${json.reason ? `: ${json.reason}` : ""}`);
  return outcome;
}

/** The deployed state machine: --state-machine, else the environment variable holding the stack's output. */
export function stateMachineArn(flag: string | undefined, envVar = "TUGBOAT_ROLL_STATE_MACHINE_ARN"): string {
  const arn = flag ?? process.env[envVar];
  if (!arn) {
    throw new UsageError(
      `no deployed state machine: pass --state-machine <arn> or set ${envVar} (an output of \`npx sst deploy\`), or run in the sandbox with --sandbox <scenario>`,
    );
  }
  return arn;
}

/** Execution names derive from the request so a duplicate start is refused by Step Functions itself. */
export function executionName(parts: string[], now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return `${parts.join("-")}-${stamp}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80);
}

export async function runRemote(
  io: CliIO,
  arn: string,
  name: string,
  input: unknown,
  client = new SFNClient({}),
  pollMs = 5000,
): Promise<RemoteRunResult> {
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn as string;
  io.stderr(`started ${executionArn}`);
  let nextToken: string | undefined;
  let lastSummary: RollSummary | undefined;
  for (;;) {
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 200 }));
    for (const event of history.events ?? []) lastSummary = report(io, event) ?? lastSummary;
    nextToken = history.nextToken;
    if (nextToken) continue;
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") {
      return {
        status: described.status ?? "UNKNOWN",
        ...(lastSummary ? { summary: lastSummary } : {}),
        ...(described.error ? { error: described.error } : {}),
        ...(described.cause ? { cause: described.cause } : {}),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function report(io: CliIO, event: HistoryEvent): RollSummary | undefined {
  const exited = event.stateExitedEventDetails;
  if (event.type === "TaskStateEntered" || event.type === "WaitStateEntered") {
    io.stderr(`${event.timestamp?.toISOString() ?? ""}  ${event.stateEnteredEventDetails?.name ?? ""}`);
  }
  if (exited?.name === "Summarize" && exited.output) {
    return (JSON.parse(exited.output) as { summary?: RollSummary }).summary;
  }
  return undefined;
}
