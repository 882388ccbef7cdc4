import { ScalingActivityInProgressFault } from "@aws-sdk/client-auto-scaling";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import {
  awsErrorCode,
  isConditionalCheckFailed,
  isConflict,
  isInsufficientCapacity,
  isNotFound,
  isRetryable,
  isThrottled,
  isValidation,
  toStepError,
} from "../../../../src/adapters/aws/classify";
import { kubeStepError } from "../../../../src/adapters/kube/kube-errors";
import { ClusterLockedError, PdbBlockedTooLongError, RetryableError, TerminalError } from "../../../../src/core/errors";
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

/** A rejection of @kubernetes/client-node: ApiException with the HTTP status in a numeric `code`. */
function kubeApiException(status: number, reason: string, message?: string): Error {
  return Object.assign(new Error(`HTTP-Code: ${status}`), {
    code: status,
    body: JSON.stringify({ kind: "Status", status: "Failure", reason, code: status, message }),
    headers: {},
  });
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:6443`), { code });
}

describe("isRetryable: the one place that decides retryable vs terminal", () => {
  it.each([
    ["AWS throttling", serviceError("Throttling", "Rate exceeded")],
    ["DynamoDB throughput", serviceError("ProvisionedThroughputExceededException", "slow down")],
    ["an Auto Scaling activity in progress", serviceError("ScalingActivityInProgress", "busy")],
    ["an EKS change in progress", serviceError("ResourceInUseException", "update in progress")],
    ["an AWS server fault", serviceError("InternalFailure", "oops", { status: 500 })],
    ["Kubernetes 429", kubeApiException(429, "TooManyRequests")],
    ["Kubernetes 409 conflict", kubeApiException(409, "Conflict")],
    ["Kubernetes 410 expired continue token", kubeApiException(410, "Expired")],
    ["Kubernetes 503", kubeApiException(503, "ServiceUnavailable")],
    ["a refused connection", systemError("ECONNREFUSED")],
    ["a reset connection", systemError("ECONNRESET")],
    ["fetch failing on a reset socket", new TypeError("fetch failed", { cause: systemError("ECONNRESET") })],
    ["a RetryableError", new RetryableError("not ready yet")],
  ])("%s is retryable", (_, err) => {
    expect(isRetryable(err)).toBe(true);
    expect(toStepError(err, "ctx")).toBeInstanceOf(RetryableError);
  });

  it.each([
    ["an AWS validation error", serviceError("ValidationError", "max below min")],
    ["AWS access denied", serviceError("AccessDeniedException", "not authorized", { status: 400 })],
    ["no EC2 capacity (placement is the caller's answer)", serviceError("InsufficientInstanceCapacity", "none")],
    ["Kubernetes 403", kubeApiException(403, "Forbidden")],
    ["Kubernetes 422", kubeApiException(422, "Invalid")],
    ["Kubernetes 404", kubeApiException(404, "NotFound")],
    ["a bug", new TypeError("Cannot read properties of undefined")],
    ["a named terminal error", new PdbBlockedTooLongError("blocked")],
  ])("%s is terminal", (_, err) => {
    expect(isRetryable(err)).toBe(false);
    expect(toStepError(err, "ctx")).toBeInstanceOf(TerminalError);
  });

  it("keeps a named error's name, so the workflow routes on it", () => {
    const locked = new ClusterLockedError("cluster demo is locked by execution x");
    expect(toStepError(locked, "ctx")).toBe(locked);
    expect(toStepError(locked, "ctx").name).toBe("ClusterLockedError");
  });

  it("is the classifier the Kubernetes adapter uses, with the API server's words", () => {
    const modified = 'Operation cannot be fulfilled on nodes "n1": the object has been modified';
    const conflict = kubeStepError(kubeApiException(409, "Conflict", modified), "patching node n1");
    expect(conflict).toBeInstanceOf(RetryableError);
    expect(conflict.message).toBe(`patching node n1: HTTP 409 Conflict: ${modified}`);
    expect(kubeStepError(new TypeError("boom"), "listing pods")).toBeInstanceOf(TerminalError);
  });
});
