import { describe, expect, it } from "vitest";
import { compareRollFigures, type ObservedRoll } from "../../../src/sandbox/observed-roll";

const world: ObservedRoll = {
  nodesOutdatedBefore: 9,
  nodesOutdatedAfter: 0,
  nodesReplaced: 9,
  instancesLaunched: 9,
  launchWaves: 3,
};
const summary = { nodesOutdatedBefore: 9, nodesOutdatedAfter: 0, nodesReplaced: 9, batches: 3 };

describe("compareRollFigures", () => {
  it("finds nothing to say when the summary and the world agree", () => {
    expect(compareRollFigures(world, summary, "succeeded")).toEqual([]);
  });

  it("names each count on which the summary disagrees with the world", () => {
    const problems = compareRollFigures(world, { ...summary, nodesReplaced: 8, nodesOutdatedBefore: 10 }, "succeeded");
    expect(problems).toEqual([
      "nodesOutdatedBefore: the summary says 10, the world recorded 9",
      "nodesReplaced: the summary says 8, the world recorded 9",
    ]);
  });

  it("catches a success claimed while outdated instances still run", () => {
    const problems = compareRollFigures({ ...world, nodesOutdatedAfter: 2, nodesReplaced: 7 }, summary, "succeeded");
    expect(problems[0]).toBe("the roll says it succeeded, but 2 instance(s) still run an outdated image");
    expect(problems).toContain("nodesOutdatedAfter: the summary says 0, the world recorded 2");
  });

  it("catches more batches claimed than the world saw launch instants", () => {
    expect(compareRollFigures({ ...world, launchWaves: 2 }, summary, "succeeded")).toEqual([
      "batches: the summary says 3, the world saw launches at 2 instant(s)",
    ]);
    // A launch retried later is a wave of its own: more waves than batches is no disagreement.
    expect(compareRollFigures({ ...world, launchWaves: 4 }, summary, "succeeded")).toEqual([]);
  });

  it("holds a roll that counts its launches to the instances the world saw launched, whatever its waves", () => {
    const pipelined = { ...summary, batches: 5, instancesLaunched: 9 };
    expect(compareRollFigures({ ...world, launchWaves: 2 }, pipelined, "succeeded")).toEqual([]);
    expect(compareRollFigures({ ...world, instancesLaunched: 8 }, pipelined, "succeeded")).toEqual([
      "instancesLaunched: the summary says 9, the world recorded 8",
    ]);
  });

  it("holds a dry run to changing nothing: outdated instances stay, nothing may launch", () => {
    const untouched = { ...world, nodesOutdatedAfter: 9, nodesReplaced: 0, instancesLaunched: 0, launchWaves: 0 };
    const planned = { ...summary, nodesOutdatedAfter: 9, nodesReplaced: 0, batches: 0 };
    expect(compareRollFigures(untouched, planned, "succeeded", true)).toEqual([]);
    expect(
      compareRollFigures({ ...untouched, instancesLaunched: 1, launchWaves: 1 }, planned, "succeeded", true),
    ).toEqual(["a dry run changed the group: 1 instance(s) launched, 0 replaced"]);
  });
});
