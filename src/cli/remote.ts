/**
 * Starts and follows an execution of the deployed state machine (no --sandbox). Progress comes from
 * the execution history, read incrementally (history-events.ts) and shown by the same progress views
 * as a sandbox run; the result is the Summarize state's output, also on a failed execution.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { RollSummary } from "../core/roll/state";
import type { RunnerEvent } from "../sandbox/runner/local-workflow";
import { eventsAfter, failureOf, runnerEventOf } from "./history-events";
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

export interface RemoteRunOptions {
  client?: SFNClient;
  pollMs?: number;
  /** The progress view's handler (RollProgressView, UpgradeProgressView): each state entered and exited, once. */
  onEvent?: (event: RunnerEvent) => void;
  /** Waits between polls (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Starts the execution and follows it to its end. Each poll asks for the status first and then for the
 * history events after the last one seen, so the events that led to a final status are all printed
 * before the outcome, and none twice.
 */
export async function runRemote(
  io: CliIO,
  arn: string,
  name: string,
  input: unknown,
  options: RemoteRunOptions = {},
): Promise<RemoteRunResult> {
  const client = options.client ?? new SFNClient({});
  const pollMs = options.pollMs ?? 5000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn as string;
  io.stderr(`started ${executionArn}`);
  let lastEventId = 0;
  let lastSummary: RollSummary | undefined;
  let currentState: string | undefined;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    for (const event of await eventsAfter(client, executionArn, lastEventId)) {
      lastEventId = Math.max(lastEventId, event.id ?? 0);
      const runnerEvent = runnerEventOf(event);
      if (runnerEvent?.kind === "state-entered") currentState = runnerEvent.state;
      if (runnerEvent) {
        if (options.onEvent) options.onEvent(runnerEvent);
        else if (runnerEvent.kind === "state-entered")
          io.stderr(`${event.timestamp?.toISOString() ?? ""}  ${runnerEvent.state}`);
        if (runnerEvent.kind === "state-exited" && runnerEvent.state === "Summarize") {
          lastSummary = (runnerEvent.output as { summary?: RollSummary } | undefined)?.summary ?? lastSummary;
        }
      }
      const failure = failureOf(event, currentState);
      if (failure) io.stderr(`! ${failure}`);
    }
    if (described.status !== "RUNNING") {
      return {
        status: described.status ?? "UNKNOWN",
        ...(lastSummary ? { summary: lastSummary } : {}),
        ...(described.error ? { error: described.error } : {}),
        ...(described.cause ? { cause: described.cause } : {}),
      };
    }
    await sleep(pollMs);
  }
}
