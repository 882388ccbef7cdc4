/** Property tests: the edge never throws, and every decision carries a reason. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../../src/core/errors";
import { actionForEvent } from "../../../../src/core/events/action";
import { EVENT_ACTIONS } from "../../../../src/core/events/decision";
import { describeDecision } from "../../../../src/core/events/describe";
import { parseClusterEvent, parseEventText } from "../../../../src/core/events/parse";
import { anyInputArb, autoScalingEventArb, ec2EventArb, healthEventArb, nowArb } from "./event-arbitraries";

describe("parseClusterEvent", () => {
  it("never throws, whatever JSON it is given", () => {
    fc.assert(
      fc.property(anyInputArb, (raw) => {
        const event = parseClusterEvent(raw);
        expect(typeof event.kind).toBe("string");
        expect(Array.isArray(event.instanceIds)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads an event the same way from its JSON text", () => {
    fc.assert(
      fc.property(fc.oneof(ec2EventArb, autoScalingEventArb, healthEventArb), (raw) => {
        expect(parseEventText(JSON.stringify(raw)).kind).toBe(parseClusterEvent(raw).kind);
      }),
    );
  });
});

describe("parseEventText", () => {
  it("either returns an event or throws InvalidInputError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseEventText(text);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidInputError);
        }
      }),
    );
  });
});

describe("actionForEvent", () => {
  it("always returns a known action with a reason, and only instances the event named", () => {
    fc.assert(
      fc.property(anyInputArb, nowArb, (raw, at) => {
        const event = parseClusterEvent(raw);
        const decision = actionForEvent(event, { now: at });
        expect(EVENT_ACTIONS).toContain(decision.action);
        expect(decision.kind).toBe(event.kind);
        expect(decision.reason.trim().length).toBeGreaterThan(0);
        for (const id of decision.instanceIds) expect(event.instanceIds).toContain(id);
        if (decision.deadline !== null) expect(Number.isNaN(decision.deadline.getTime())).toBe(false);
        if (decision.action !== "ignore" && decision.action !== "complete-lifecycle") {
          expect(decision.instanceIds.length).toBeGreaterThan(0);
        }
        expect(describeDecision(decision)).toContain(decision.reason);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives every Spot interruption with a real time a deadline exactly two minutes later", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom("terminate", "stop", "hibernate", "action"),
        (at, instanceAction) => {
          const decision = actionForEvent(
            parseClusterEvent({
              id: "e",
              "detail-type": "EC2 Spot Instance Interruption Warning",
              source: "aws.ec2",
              account: "1",
              time: at.toISOString(),
              region: "r",
              detail: { "instance-id": "i-0abc", "instance-action": instanceAction },
            }),
          );
          expect(decision.action).toBe("drain");
          expect(decision.deadline!.getTime() - at.getTime()).toBe(120_000);
        },
      ),
    );
  });
});
