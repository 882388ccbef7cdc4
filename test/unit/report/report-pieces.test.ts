/** The report's pure pieces: ticks that fit, durations in words, the budget a refusal names, the advice. */
import { describe, expect, it } from "vitest";
import { nextStepFor } from "../../../src/report/next-step";
import { pdbOf } from "../../../src/report/roll-run";
import { durationTicks, fitText, formatDuration, numberTicks, textWidth } from "../../../src/report/svg/scale";

describe("report pieces", () => {
  it("chooses nice ticks that cover the range within the count that fits", () => {
    expect(numberTicks(7.3, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(numberTicks(0, 4).at(-1)).toBe(1);
    const ticks = durationTicks(2013, 8);
    expect(ticks.length).toBeLessThanOrEqual(9);
    expect(ticks[1]).toBe(300);
    expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(2013);
  });

  it("writes durations in words and cuts labels to their room", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(150)).toBe("2 min 30 s");
    expect(formatDuration(5306.6)).toBe("1 h 28 min");
    const cut = fitText("9. node groups (system, workers) → 1.33", 120);
    expect(cut.endsWith("…")).toBe(true);
    expect(textWidth(cut, 11)).toBeLessThanOrEqual(120);
  });

  it("names the budget an eviction refusal names, in the pod's namespace", () => {
    const message =
      "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web-pdb needs 11 healthy pods and has 11 currently";
    expect(pdbOf("default/web-9gw6ttnvt4-kzt6k", message)).toBe("default/web-pdb");
    expect(pdbOf("default/web-1", "Too many requests")).toBeUndefined();
  });

  it("advises by the error a run stopped with", () => {
    expect(nextStepFor("PdbBlockedTooLongError", "drain blocked")).toMatch(/PodDisruptionBudget/);
    expect(nextStepFor("ReplacementNotReadyError", undefined)).toMatch(/never became a Ready node/);
    expect(nextStepFor("TerminalError", "node group nope not found", "refused")).toMatch(/^Nothing was changed/);
  });
});
