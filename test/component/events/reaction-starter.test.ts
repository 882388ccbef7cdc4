/** SfnReactionStarter on the SDK client, with StartExecution answered by aws-sdk-client-mock. */
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { executionArnFor, SfnReactionStarter } from "../../../src/adapters/aws/reaction-starter";
import { DEFAULT_REACTION_TIMING, type ReactionRequest } from "../../../src/core/events/react/request";

const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:prod-tugboat-react-to-instance-event";
const sfn = mockClient(SFNClient);
const request: ReactionRequest = {
  eventId: "e-1",
  eventKind: "spot-interruption",
  action: "drain",
  reason: "r",
  deadline: null,
  eventTime: null,
  receivedAt: "2026-01-01T00:00:01.000Z",
  cluster: "prod-eu",
  instanceId: "i-0aaaaaaaaaaaaaaaa",
  availabilityZone: null,
  groupName: null,
  nodeName: null,
  privateDnsName: null,
  lifecycle: null,
  timing: DEFAULT_REACTION_TIMING,
};

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => sfn.reset());

describe("SfnReactionStarter", () => {
  it("starts the execution under the given name with the request as input", async () => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: executionArnFor(MACHINE, "e-1-i-0a"), startDate: new Date() });
    const starter = new SfnReactionStarter(new SFNClient({ region: "us-east-1" }), MACHINE);
    expect(await starter.start("e-1-i-0a", request)).toEqual({
      outcome: "started",
      executionId: "arn:aws:states:us-east-1:123456789012:execution:prod-tugboat-react-to-instance-event:e-1-i-0a",
    });
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ stateMachineArn: MACHINE, name: "e-1-i-0a" });
    expect(JSON.parse(input.input!)).toEqual(request);
  });

  it("reads ExecutionAlreadyExists as a duplicate, not a failure", async () => {
    sfn.on(StartExecutionCommand).rejects(awsError("ExecutionAlreadyExists", "Execution Already Exists"));
    const starter = new SfnReactionStarter(new SFNClient({ region: "us-east-1", maxAttempts: 1 }), MACHINE);
    expect(await starter.start("e-1-i-0a", request)).toMatchObject({ outcome: "already-started" });
  });

  it("turns throttling into a RetryableError naming the execution", async () => {
    sfn.on(StartExecutionCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    const starter = new SfnReactionStarter(new SFNClient({ region: "us-east-1", maxAttempts: 1 }), MACHINE);
    await expect(starter.start("e-1-i-0a", request)).rejects.toMatchObject({
      name: "RetryableError",
      message: expect.stringContaining("starting reaction e-1-i-0a"),
    });
  });
});
