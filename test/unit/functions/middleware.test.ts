import middy from "@middy/core";
import { describe, expect, it } from "vitest";
import { errorContract } from "../../../functions/lib/middleware";
import { PdbBlockedTooLongError, RetryableError, TerminalError } from "../../../src/core/errors";
import { serviceError } from "../adapters/aws/aws-errors";

/** What a step that throws `err` leaves with, as Step Functions would see it. */
async function thrownBy(err: unknown): Promise<Error> {
  const handler = middy(async () => {
    throw err;
  }).use(errorContract());
  try {
    await handler({}, {} as never);
  } catch (thrown) {
    return thrown as Error;
  }
  throw new Error("the handler did not throw");
}

describe("errorContract: every failure leaves a step with a contract name", () => {
  it("retries throttling and conflicts, as the one classifier decides", async () => {
    const throttled = await thrownBy(serviceError("ThrottlingException", "Rate exceeded"));
    expect(throttled).toBeInstanceOf(RetryableError);
    expect(throttled.message).toBe("ThrottlingException: Rate exceeded");
    // A scaling activity in progress passes with time: retried, not a terminal failure.
    expect(await thrownBy(serviceError("ScalingActivityInProgress", "busy"))).toBeInstanceOf(RetryableError);
  });

  it("stops on anything else, naming what was thrown", async () => {
    const bug = await thrownBy(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(bug).toBeInstanceOf(TerminalError);
    expect(bug.name).toBe("TerminalError");
    expect(bug.message).toBe("TypeError: Cannot read properties of undefined (reading 'x')");
  });

  it("lets a named domain error through unchanged, so the workflow routes on its name", async () => {
    const blocked = new PdbBlockedTooLongError("drain of batch 1 blocked for 180 s");
    const thrown = await thrownBy(blocked);
    expect(thrown).toBe(blocked);
    expect(thrown.name).toBe("PdbBlockedTooLongError");
  });
});
