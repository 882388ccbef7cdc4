/**
 * The remote `tug roll`: following a deployed execution through a mocked Step Functions client whose
 * GetExecutionHistory behaves as the service does (oldest or newest first, pages of at most
 * `maxResults`, possibly fewer, chained by `nextToken`), while the history grows between polls.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIO } from "../../../src/cli/io";
import { RollProgressView } from "../../../src/cli/progress";
import { printRemoteOutcome, runRemote } from "../../../src/cli/remote";

const EXECUTION_ARN = "arn:aws:states:us-east-1:111122223333:execution:prod-tugboat-roll-node-group:roll-prod-workers";
/** The service may return fewer events than asked for; this one pages in threes, so every poll pages. */
const SERVICE_PAGE = 3;

function capture(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), interactive: false };
}

/** An event as the test writes it; ids and timestamps are the history's. */
type NewEvent = Omit<HistoryEvent, "id" | "timestamp" | "type"> & { type: string };
type Add = (event: NewEvent) => void;

/** A growing history: each poll's DescribeExecution releases the next chunk of events. */
class GrowingHistory {
  readonly events: HistoryEvent[] = [];
  readonly served: { poll: number; returned: number }[] = [];
  private poll = 0;
  private readonly at = Date.parse("2026-06-01T10:00:00Z");

  constructor(private readonly chunks: ((add: Add) => void)[]) {}

  describe(): { status: string } {
    this.chunks[this.poll]?.((event) => {
      const id = this.events.length + 1;
      this.events.push({
        ...event,
        id,
        previousEventId: id - 1,
        timestamp: new Date(this.at + id * 1000),
      } as HistoryEvent);
    });
    this.poll += 1;
    return { status: this.poll >= this.chunks.length ? "SUCCEEDED" : "RUNNING" };
  }

  page(input: GetExecutionHistoryCommandInput): { events: HistoryEvent[]; nextToken?: string } {
    const ordered = input.reverseOrder ? [...this.events].reverse() : this.events;
    const start = input.nextToken ? Number(input.nextToken.replace("token-", "")) : 0;
    const size = Math.min(input.maxResults ?? 100, SERVICE_PAGE);
    const events = ordered.slice(start, start + size);
    this.served.push({ poll: this.poll, returned: events.length });
    return { events, ...(start + size < ordered.length ? { nextToken: `token-${start + size}` } : {}) };
  }
}

const entered = (name: string): NewEvent => ({ type: "TaskStateEntered", stateEnteredEventDetails: { name } });
const exited = (name: string, output: unknown): NewEvent => ({
  type: "TaskStateExited",
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});
const task = (add: Add, name: string, output: unknown) => {
  add(entered(name));
  add({ type: "TaskScheduled" });
  add({ type: "TaskStarted" });
  add({ type: "TaskSucceeded" });
  add(exited(name, output));
};

const input = { cluster: "prod", nodeGroup: "workers" };
const plan = {
  outdated: 6,
  groupSize: 6,
  asgName: "prod-workers",
  mode: "surge",
  batchesPlanned: 2,
  surge: 3,
  predictedSeconds: 900,
};
const summary = { outcome: "succeeded", reason: "6 nodes replaced in 2 batches", nodesReplaced: 6 };

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

function serve(history: GrowingHistory): void {
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
  sfn.on(DescribeExecutionCommand).callsFake(() => history.describe());
  sfn.on(GetExecutionHistoryCommand).callsFake((request: GetExecutionHistoryCommandInput) => history.page(request));
}

describe("runRemote", () => {
  it("prints each event once across polls of a growing history, follows pages, and prints the outcome", async () => {
    const history = new GrowingHistory([
      (add) => {
        add({ type: "ExecutionStarted" });
        task(add, "Take cluster lock", { input, lock: { acquired: true } });
      },
      (add) => {
        task(add, "Plan roll", { input, plan });
        task(add, "Advance roll", {
          input,
          pipeline: {
            finished: false,
            aborted: false,
            retryInSeconds: 10,
            remaining: 3,
            ticks: 1,
            draining: 0,
            joining: 0,
            waves: [
              { index: 0, byZone: { "us-east-1a": 3 }, remainingPods: 0, attempts: 2, terminated: true, blockedBy: [] },
            ],
          },
        });
      },
      (add) => {
        task(add, "Advance roll", {
          input,
          pipeline: {
            finished: false,
            aborted: false,
            retryInSeconds: 10,
            remaining: 0,
            ticks: 2,
            draining: 0,
            joining: 0,
            waves: [
              { index: 1, byZone: { "us-east-1a": 3 }, remainingPods: 0, attempts: 2, terminated: true, blockedBy: [] },
            ],
          },
        });
        task(add, "Summarize", { input, summary });
        add({ type: "ExecutionSucceeded" });
      },
    ]);
    serve(history);
    const io = capture();
    const view = new RollProgressView(io);
    const sleeps: number[] = [];
    const result = await runRemote(io, "arn:sm", "roll-prod-workers", input, {
      client: new SFNClient({ region: "us-east-1" }),
      pollMs: 5000,
      onEvent: view.onEvent,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const outcome = printRemoteOutcome(io, result, true);

    expect(sleeps).toEqual([5000, 5000]);
    expect(io.err.map((line) => line.replace(/^[\d:+]+\s\s/, ""))).toEqual([
      `started ${EXECUTION_ARN}`,
      "locked cluster prod",
      "plan: 6 of 6 nodes outdated in prod-workers (surge); up to 3 replacements in flight; predicted 15 min, from defaults",
      "  wave 1 (us-east-1a 3): drained and terminated",
      "  wave 2 (us-east-1a 3): drained and terminated",
    ]);
    expect(outcome).toBe("succeeded");
    expect(JSON.parse(io.out.at(-1)!)).toMatchObject({ ...summary, status: "SUCCEEDED" });

    // Every poll read its new events and at most one page more; none read the history from the start.
    const polls = [1, 2, 3].map((poll) => history.served.filter((s) => s.poll === poll));
    const added = [6, 10, 11];
    polls.forEach((pages, i) => {
      const returned = pages.reduce((sum, s) => sum + s.returned, 0);
      expect(returned).toBeGreaterThanOrEqual(added[i]!);
      expect(returned).toBeLessThan(added[i]! + SERVICE_PAGE + 1);
      // More new events than one page holds: the poll followed nextToken.
      expect(pages.length).toBeGreaterThan(1);
    });
    for (const call of sfn.commandCalls(GetExecutionHistoryCommand)) {
      expect(call.args[0].input).toMatchObject({ executionArn: EXECUTION_ARN, reverseOrder: true });
    }
  });

  it("names a failed task with its error once, and reports the failed execution's cause", async () => {
    const history = new GrowingHistory([
      (add) => {
        add({ type: "ExecutionStarted" });
        add(entered("Drain batch"));
        add({ type: "TaskScheduled" });
        add({
          type: "TaskFailed",
          taskFailedEventDetails: {
            resourceType: "lambda",
            resource: "invoke",
            error: "PdbBlockedTooLongError",
            cause: "PDB default/web allows 0 disruptions",
          },
        });
      },
      (add) => {
        add({
          type: "ExecutionFailed",
          executionFailedEventDetails: { error: "RollHalted", cause: "the roll halted and restored the group" },
        });
      },
    ]);
    serve(history);
    sfn.on(DescribeExecutionCommand).callsFake(() => ({
      ...history.describe(),
      status: history.events.length > 4 ? "FAILED" : "RUNNING",
      cause: "the roll halted and restored the group",
    }));
    const io = capture();
    const result = await runRemote(io, "arn:sm", "roll-prod-workers", input, {
      client: new SFNClient({ region: "us-east-1" }),
      sleep: async () => {},
    });
    expect(io.err.filter((line) => line.startsWith("!"))).toEqual([
      "! Drain batch: PdbBlockedTooLongError: PDB default/web allows 0 disruptions",
      "! execution: RollHalted: the roll halted and restored the group",
    ]);
    expect(io.err.filter((line) => line.endsWith("  Drain batch"))).toHaveLength(1);
    expect(printRemoteOutcome(io, result, false)).toBe("failed");
    expect(io.out.at(-1)).toBe("failed: the roll halted and restored the group");
  });
});
