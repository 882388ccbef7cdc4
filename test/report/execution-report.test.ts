/**
 * `tug report <execution-arn>`: a sandbox roll's recorded events, written as the Step Functions history a
 * deployed execution of the same run would have (Entered, Scheduled, Started, Succeeded, Exited per task,
 * read back in pages), give the same node timeline, time breakdown and prediction pictures as the
 * report written during the run.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createReportCommand } from "../../src/cli/commands/report";
import type { CliIO } from "../../src/cli/io";
import { RunRecorder } from "../../src/cli/report/write";
import type { ReportSection } from "../../src/report/model";
import type { RecordedEvent } from "../../src/report/recorded-events";
import { buildRollReport } from "../../src/report/roll-report";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { scenarioWith } from "../workflow/helpers";

const ARN = "arn:aws:states:us-east-1:111122223333:execution:prod-tugboat-roll-node-group:roll-demo-workers";
const PAGE = 7;

/** The history Step Functions writes for these task events, with ids, in order. */
function historyOf(events: RecordedEvent[], outcome: string): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  const add = (atMs: number, event: Omit<HistoryEvent, "id" | "timestamp">) =>
    history.push({ ...event, id: history.length + 1, timestamp: new Date(atMs) } as HistoryEvent);
  add(events[0]?.atMs ?? 0, { type: "ExecutionStarted" });
  for (const e of events) {
    if (e.kind === "entered") {
      add(e.atMs, { type: "TaskStateEntered", stateEnteredEventDetails: { name: e.state } });
      add(e.atMs, { type: "TaskScheduled" });
      add(e.atMs, { type: "TaskStarted" });
    } else if (e.kind === "exited") {
      add(e.atMs, { type: "TaskSucceeded" });
      add(e.atMs, {
        type: "TaskStateExited",
        stateExitedEventDetails: { name: e.state, output: JSON.stringify(e.output) },
      });
    } else {
      add(e.atMs, {
        type: "TaskFailed",
        taskFailedEventDetails: { resourceType: "lambda", resource: "invoke", error: e.error, cause: "{}" },
      });
    }
  }
  const end = events[events.length - 1]?.atMs ?? 0;
  add(
    end,
    outcome === "succeeded"
      ? { type: "ExecutionSucceeded" }
      : { type: "ExecutionFailed", executionFailedEventDetails: { error: "Failed", cause: "see Summarize" } },
  );
  return history;
}

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

function serve(history: HistoryEvent[], status: string): void {
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: ARN, status: status as never });
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    const ordered = input.reverseOrder ? [...history].reverse() : history;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = Math.min(input.maxResults ?? 100, PAGE);
    return {
      events: ordered.slice(start, start + size),
      ...(start + size < ordered.length ? { nextToken: String(start + size) } : {}),
    };
  });
}

const pictures = (sections: ReportSection[]) =>
  Object.fromEntries(sections.flatMap((s) => (s.kind === "picture" ? [[s.id, s.svg]] : [])));

async function recordRoll(scenario = loadScenario("small"), request: Record<string, unknown> = {}) {
  const sandbox = await Sandbox.start(scenario);
  try {
    const recorder = new RunRecorder();
    const { result } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers", ...request },
      sandbox,
      run: { onEvent: recorder.onEvent },
    });
    return { events: recorder.own(), outcome: result.outcome };
  } finally {
    await sandbox.close();
  }
}

function capture(): CliIO & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (l) => out.push(l), stderr: () => undefined, interactive: false };
}

describe("tug report <execution-arn>", () => {
  let succeeded: Awaited<ReturnType<typeof recordRoll>>;
  beforeAll(async () => {
    succeeded = await recordRoll();
  });

  it("draws from a deployed execution's history the pictures the run's own report drew", async () => {
    expect(succeeded.outcome).toBe("succeeded");
    serve(historyOf(succeeded.events, "succeeded"), "SUCCEEDED");
    const dir = mkdtempSync(join(tmpdir(), "tug-report-"));
    const io = capture();
    const code = await createReportCommand(() => new SFNClient({}))([ARN, "--out", join(dir, "r.html")], io);
    expect(code).toBe(0);
    expect(io.out[0]).toBe("Roll of demo/workers: succeeded");
    const html = readFileSync(join(dir, "r.html"), "utf8");
    // Step Functions keeps whole milliseconds; the run's own report, from the same instants, draws the same.
    const kept = succeeded.events.map((e) => ({ ...e, atMs: Math.trunc(e.atMs) }));
    const local = pictures(buildRollReport({ events: kept, where: "sandbox" }).sections);
    expect(Object.keys(local)).toEqual(["node-timeline", "time-breakdown", "predicted-actual"]);
    for (const [id, svg] of Object.entries(local))
      expect({ id, drawn: html.includes(svg) }).toEqual({ id, drawn: true });
    expect(html).toContain(`Execution ${ARN} (SUCCEEDED)`);
    // Paged newest first, as the CLI reads histories.
    expect(sfn.commandCalls(GetExecutionHistoryCommand).length).toBeGreaterThan(10);
  });

  it("says why a failed execution failed and where it stopped", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "web", namespace: "default" }];
    });
    const failed = await recordRoll(scenario, { drainTimeoutSeconds: 180 });
    expect(failed.outcome).toBe("failed");
    serve(historyOf(failed.events, "failed"), "FAILED");
    const dir = mkdtempSync(join(tmpdir(), "tug-report-"));
    const io = capture();
    await createReportCommand(() => new SFNClient({}))([ARN, "--out", join(dir, "r.html")], io);
    expect(io.out[0]).toMatch(/^Roll of demo\/workers: failed: PdbBlockedTooLongError: drain of batch 1 blocked/);
    const html = readFileSync(join(dir, "r.html"), "utf8");
    // The pipelined roll drains in its "Advance roll" ticks: the stop names the tick and the wave it held.
    expect(html).toMatch(/<section class="failure" id="failure">.*Stopped at<\/b> Advance roll \(wave 1\)/s);
    expect(html).toContain("stopped: Advance roll (wave 1)");
  });

  it("refuses what is not an execution ARN, saying what it expects", async () => {
    await expect(createReportCommand(() => new SFNClient({}))(["roll-demo"], capture())).rejects.toThrow(
      /expected a Step Functions execution ARN/,
    );
  });
});
