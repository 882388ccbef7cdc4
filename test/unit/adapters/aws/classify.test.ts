import { ScalingActivityInProgressFault } from "@aws-sdk/client-auto-scaling";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import {
  awsErrorCode,
  isConditionalCheckFailed,
  isConflict,
  isInsufficientCapacity,
  isNotFound,
  isThrottled,
  isValidation,
  toStepError,
} from "../../../../src/adapters/aws/classify";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import { serviceError } from "./aws-errors";

describe("AWS error classification", () => {
  it.each(["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"])(
    "%s is throttling",
    (code) => {
      expect(isThrottled(serviceError(code, "Rate exceeded"))).toBe(true);
      expect(isConflict(serviceError(code, "Rate exceeded"))).toBe(false);
    },
  );

  it("reads the SDK's modeled conflict faults as well as the wire codes", () => {
    const modeled = new ScalingActivityInProgressFault({
      message: "Scaling activity abc is in progress",
      $metadata: { httpStatusCode: 400 },
    });
    expect(isConflict(modeled)).toBe(true);
    expect(isConflict(serviceError("ScalingActivityInProgress", "in progress"))).toBe(true);
    expect(isConflict(serviceError("ResourceInUseException", "update in progress"))).toBe(true);
  });

  it("keeps a failed DynamoDB condition apart from conflicts", () => {
    const err = new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
    expect(isConditionalCheckFailed(err)).toBe(true);
    expect(isConflict(err)).toBe(false);
    expect(isThrottled(err)).toBe(false);
  });

  it("knows the not-found spellings of several services", () => {
    expect(isNotFound(serviceError("ResourceNotFoundException", "No cluster found for name: x."))).toBe(true);
    expect(isNotFound(serviceError("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist"))).toBe(true);
    expect(isNotFound(serviceError("ParameterNotFound", ""))).toBe(true);
    expect(isNotFound(serviceError("ValidationError", "AutoScalingGroup name not found - x"))).toBe(true);
    expect(isNotFound(serviceError("ValidationError", "New SetDesiredCapacity value 9 is above max value 6"))).toBe(
      false,
    );
    expect(isNotFound(new Error("boom"))).toBe(false);
  });

  it("recognises validation and capacity errors", () => {
    expect(isValidation(serviceError("ValidationError", "bad"))).toBe(true);
    expect(isValidation(serviceError("InvalidParameterException", "bad"))).toBe(true);
    expect(isValidation(serviceError("InvalidInstanceID.Malformed", "bad"))).toBe(true);
    expect(isValidation(serviceError("Throttling", "slow"))).toBe(false);
    expect(isInsufficientCapacity(serviceError("InsufficientInstanceCapacity", "no m5.large in us-east-1a"))).toBe(
      true,
    );
    expect(isInsufficientCapacity(serviceError("ValidationError", "bad"))).toBe(false);
  });

  it("reads the code from name, ignoring the generic Error name", () => {
    expect(awsErrorCode(serviceError("ValidationError", "x"))).toBe("ValidationError");
    expect(awsErrorCode(new Error("x"))).toBeUndefined();
    expect(awsErrorCode("a string")).toBeUndefined();
  });
});

describe("toStepError", () => {
  it("turns throttling and conflicts into RetryableError", () => {
    const throttled = toStepError(serviceError("Throttling", "Rate exceeded"), "DescribeAutoScalingGroups demo");
    expect(throttled).toBeInstanceOf(RetryableError);
    expect(throttled.name).toBe("RetryableError");
    expect(throttled.message).toBe("DescribeAutoScalingGroups demo: Throttling: Rate exceeded");
    expect(toStepError(serviceError("ScalingActivityInProgress", "busy"), "x")).toBeInstanceOf(RetryableError);
  });

  it("turns a server fault that outlived the SDK's retries into RetryableError", () => {
    expect(toStepError(serviceError("InternalFailure", "oops", { status: 500 }), "x")).toBeInstanceOf(RetryableError);
  });

  it("turns everything else into TerminalError keeping the context and the AWS code", () => {
    const err = serviceError("ValidationError", "New SetDesiredCapacity value 9 is above max value 6");
    const stepError = toStepError(err, "SetDesiredCapacity on demo-workers");
    expect(stepError).toBeInstanceOf(TerminalError);
    expect(stepError.name).toBe("TerminalError");
    expect(stepError.message).toBe(
      "SetDesiredCapacity on demo-workers: ValidationError: New SetDesiredCapacity value 9 is above max value 6",
    );
    expect(stepError.cause).toBe(err);
  });

  it("passes already classified errors through", () => {
    const retryable = new RetryableError("already decided");
    expect(toStepError(retryable, "x")).toBe(retryable);
  });
});
