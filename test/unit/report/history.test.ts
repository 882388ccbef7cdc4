/** Reading a deployed execution's history: the child executions it names, and its events as recorded events. */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { childArnsIn } from "../../../src/cli/report/execution-report";
import { fromHistory } from "../../../src/report/recorded-events";

const PARENT = "arn:aws:states:eu-west-1:111122223333:execution:tugboat-upgrade-cluster:upgrade-prod-eu-1-33";
const CHILD =
  "arn:aws:states:eu-west-1:111122223333:execution:tugboat-roll-node-group:upgrade-prod-eu-1-33-workers-1-33";
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

const history: HistoryEvent[] = [
  { id: 1, type: "ExecutionStarted", timestamp: at(0) },
  { id: 2, type: "TaskStateEntered", timestamp: at(1), stateEnteredEventDetails: { name: "Roll node group" } },
  {
    id: 3,
    type: "TaskSucceeded",
    timestamp: at(50),
    taskSucceededEventDetails: {
      resourceType: "states",
      resource: "startExecution.sync:2",
      output: JSON.stringify({
        ExecutionArn: CHILD,
        StateMachineArn: "arn:…",
        Status: "SUCCEEDED",
        Input: { parent: PARENT },
      }),
    },
  },
  {
    id: 4,
    type: "TaskStateExited",
    timestamp: at(50),
    stateExitedEventDetails: { name: "Roll node group", output: '{"nodeGroup":"workers"' },
  },
  { id: 5, type: "TaskStateEntered", timestamp: at(51), stateEnteredEventDetails: { name: "Collect rolls" } },
  {
    id: 6,
    type: "LambdaFunctionFailed",
    timestamp: at(52),
    lambdaFunctionFailedEventDetails: { error: "TerminalError", cause: "boom" },
  },
  {
    id: 7,
    type: "ExecutionFailed",
    timestamp: at(53),
    executionFailedEventDetails: { error: "Failed", cause: "see above" },
  },
];

describe("a deployed execution's history", () => {
  it("names the child executions its results carry, not itself", () => {
    expect(childArnsIn(history, PARENT)).toEqual([CHILD]);
  });

  it("reads as recorded events: task states with their output (cut-short output left out), failures with the state they hit", () => {
    const events = fromHistory(history, "child-1");
    expect(events.map((e) => [e.kind, e.state, e.atMs - at(0).getTime()])).toEqual([
      ["entered", "Roll node group", 1000],
      ["exited", "Roll node group", 50000],
      ["entered", "Collect rolls", 51000],
      ["failed", "Collect rolls", 52000],
      ["failed", "execution", 53000],
    ]);
    expect(events[1]?.output).toBeUndefined();
    expect(events[3]).toMatchObject({ error: "TerminalError", cause: "boom", execution: "child-1" });
  });
});
