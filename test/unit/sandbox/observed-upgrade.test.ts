import { describe, expect, it } from "vitest";
import { compareUpgradeFigures, type ObservedUpgrade } from "../../../src/sandbox/observed-upgrade";

const world: ObservedUpgrade = {
  controlPlaneUpdates: 3,
  addonUpdates: 7,
  nodeGroupRolls: { system: 3, workers: 1 },
  nodeReplacements: 31,
  instancesLaunched: 31,
};

describe("compareUpgradeFigures", () => {
  it("finds nothing to say when the summary and the world agree", () => {
    expect(
      compareUpgradeFigures(world, {
        controlPlaneUpdates: 3,
        addonUpdates: 7,
        nodeGroupRolls: { workers: 1, system: 3 },
      }),
    ).toEqual([]);
  });

  it("names every figure on which the summary disagrees with the world", () => {
    const problems = compareUpgradeFigures(world, {
      controlPlaneUpdates: 2,
      addonUpdates: 7,
      nodeGroupRolls: { system: 3, legacy: 1 },
    });
    expect(problems).toEqual([
      "controlPlaneUpdates: the summary says 2, the world recorded 3",
      "rolls of legacy: the summary says 1, the world saw 0 new image(s)",
      "rolls of workers: the summary says 0, the world saw 1 new image(s)",
    ]);
  });
});
