import { describe, expect, it } from "vitest";
import type { EventDecision } from "../../../../src/core/events/decision";
import { decisionSummary, describeDecision } from "../../../../src/core/events/describe";

const spotDecision: EventDecision = {
  kind: "spot-interruption",
  action: "drain",
  instanceIds: ["i-123"],
  deadline: new Date("2021-06-05T10:02:00Z"),
  reason: "Spot interruption warning (terminate) gives two minutes",
};

describe("describeDecision", () => {
  it("says what to do, to which instance, by when and why", () => {
    expect(describeDecision(spotDecision)).toBe(
      "drain i-123 before 2021-06-05T10:02:00Z: Spot interruption warning (terminate) gives two minutes",
    );
  });

  it("leaves out the deadline when there is none, and lists several instances", () => {
    expect(
      describeDecision({
        ...spotDecision,
        action: "replace",
        instanceIds: ["i-1", "i-2"],
        deadline: null,
        reason: "r",
      }),
    ).toBe("replace i-1, i-2: r");
  });

  it.each([
    ["drain-and-complete-lifecycle", "drain i-123 and complete its lifecycle action: why"],
    ["await-ready-and-complete-lifecycle", "wait for i-123 to be a Ready node and complete its lifecycle action: why"],
    ["complete-lifecycle", "complete the lifecycle action of i-123: why"],
    ["cleanup", "clean up after i-123: why"],
    ["ignore", "ignore event for i-123: why"],
  ] as const)("phrases %s", (action, line) => {
    expect(describeDecision({ ...spotDecision, action, deadline: null, reason: "why" })).toBe(line);
  });

  it("phrases an ignored event about no instance", () => {
    expect(
      describeDecision({
        ...spotDecision,
        kind: "unknown",
        action: "ignore",
        instanceIds: [],
        deadline: null,
        reason: "x",
      }),
    ).toBe("ignore event: x");
  });
});

describe("decisionSummary", () => {
  it("keeps the JSON fields and writes the deadline in ISO 8601", () => {
    expect(decisionSummary(spotDecision)).toEqual({
      kind: "spot-interruption",
      action: "drain",
      instanceIds: ["i-123"],
      deadline: "2021-06-05T10:02:00Z",
      reason: "Spot interruption warning (terminate) gives two minutes",
    });
    expect(decisionSummary({ ...spotDecision, deadline: null }).deadline).toBeNull();
  });
});
