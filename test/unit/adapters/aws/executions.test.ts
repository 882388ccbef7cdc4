import { DescribeExecutionCommand, ExecutionDoesNotExist, InvalidArn, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SfnExecutionStatus } from "../../../../src/adapters/aws/executions";
import { TerminalError } from "../../../../src/core/errors";

const sfnMock = mockClient(SFNClient);
const arn = "arn:aws:states:us-east-1:111122223333:execution:roll:abc";

beforeEach(() => sfnMock.reset());

describe("SfnExecutionStatus", () => {
  it("reports the execution's status", async () => {
    sfnMock.on(DescribeExecutionCommand, { executionArn: arn }).resolves({
      status: "RUNNING",
      executionArn: arn,
      stateMachineArn: "arn:aws:states:us-east-1:111122223333:stateMachine:roll",
      startDate: new Date(0),
    });
    expect(await new SfnExecutionStatus(new SFNClient({})).status(arn)).toBe("RUNNING");
  });

  it("reports NOT_FOUND for an execution Step Functions does not know", async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} }));
    expect(await new SfnExecutionStatus(new SFNClient({})).status(arn)).toBe("NOT_FOUND");
  });

  it("does not take a malformed ARN for a finished execution", async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new InvalidArn({ message: "Invalid Arn", $metadata: {} }));
    await expect(new SfnExecutionStatus(new SFNClient({})).status("not-an-arn")).rejects.toThrow(TerminalError);
  });
});
