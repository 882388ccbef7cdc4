import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Deps } from "../../../../src/core/ports";
import { VirtualClock } from "../../../../src/sandbox/clock";
import { type ExecutionStatus, runLocalWorkflow } from "../../../../src/sandbox/runner/local-workflow";
import { VirtualScheduler } from "../../../../src/sandbox/runner/virtual-scheduler";
import type { WorkflowSpec } from "../../../../workflows";

const spec: WorkflowSpec = {
  name: "lambda-emulation",
  file: join(import.meta.dirname, "../../../fixtures/workflows/lambda-emulation.asl.json"),
  functions: { EchoFunctionArn: { module: "test/fixtures/handlers/echo", access: [] } },
};

describe("the local workflow runner", () => {
  it("emulates lambda:invoke as AWS does: Payload in, wrapped result, Error and Cause from a throw", async () => {
    const clock = new VirtualClock();
    const executions = new Map<string, ExecutionStatus>();
    const result = await runLocalWorkflow({
      spec,
      input: { value: 21 },
      executionName: "emulation-1",
      region: "us-east-1",
      clock,
      scheduler: new VirtualScheduler(clock),
      deps: {} as Deps,
      executions,
      cost: { stepSeconds: () => 1, measure: () => () => 0 },
    });
    expect(result.status).toBe("SUCCEEDED");
    const output = result.output as {
      result: { doubled: number; status: number };
      error: { Error: string; Cause: string };
    };
    expect(output.result).toEqual({ doubled: 42, status: 200 });
    expect(output.error.Error).toBe("TerminalError");
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: "TerminalError", errorMessage: "asked to fail" });
    // Two steps of one modelled second each, and the Wait's 90 s on the virtual clock.
    expect(result.endedAtMs - result.startedAtMs).toBe(92_000);
    expect(executions.get(result.executionArn)).toBe("SUCCEEDED");
    expect(result.meter.stateTransitions).toBe(4);
  });

  it("refuses a second execution with the same name, as Step Functions does", async () => {
    const clock = new VirtualClock();
    const executions = new Map<string, ExecutionStatus>();
    const options = {
      spec,
      input: { value: 1 },
      executionName: "same-name",
      region: "us-east-1",
      clock,
      scheduler: new VirtualScheduler(clock),
      deps: {} as Deps,
      executions,
      cost: { stepSeconds: () => 0, measure: () => () => 0 },
    };
    await runLocalWorkflow(options);
    await expect(runLocalWorkflow(options)).rejects.toThrow(/Execution Already Exists/);
  });
});
