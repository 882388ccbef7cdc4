import { describe, expect, it } from "vitest";
import { StateRetryClock } from "../../../../src/sandbox/runner/retry-backoff";

const state = {
  Type: "Task",
  Retry: [
    { ErrorEquals: ["Lambda.ServiceException"], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 },
    {
      ErrorEquals: ["RetryableError"],
      IntervalSeconds: 2,
      MaxAttempts: 4,
      BackoffRate: 2,
      MaxDelaySeconds: 10,
      JitterStrategy: "FULL",
    },
  ],
};
const noJitter = () => 1;

describe("StateRetryClock", () => {
  it("waits IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, until MaxAttempts", () => {
    const retries = StateRetryClock.of(state);
    expect([1, 2, 3, 4, 5].map(() => retries.failed("RetryableError", noJitter))).toEqual([2, 4, 8, 10, undefined]);
  });

  it("draws a FULL jitter as a fraction of the wait, and none without it", () => {
    const retries = StateRetryClock.of(state);
    expect(retries.failed("RetryableError", () => 0.25)).toBe(0.5);
    expect(retries.failed("Lambda.ServiceException", () => 0.25)).toBe(1);
  });

  it("does not retry an error no retrier names, and counts afresh after the state ends", () => {
    const retries = StateRetryClock.of(state);
    expect(retries.failed("InvalidInputError", noJitter)).toBeUndefined();
    expect(retries.failed("Lambda.ServiceException", noJitter)).toBe(1);
    expect(retries.failed("Lambda.ServiceException", noJitter)).toBe(2);
    retries.reset();
    expect(retries.failed("Lambda.ServiceException", noJitter)).toBe(1);
  });

  it("matches States.ALL, and never retries a state without Retry", () => {
    expect(StateRetryClock.of({ Retry: [{ ErrorEquals: ["States.ALL"] }] }).failed("Anything", noJitter)).toBe(1);
    expect(StateRetryClock.of({ Type: "Task" }).failed("RetryableError", noJitter)).toBeUndefined();
  });
});
