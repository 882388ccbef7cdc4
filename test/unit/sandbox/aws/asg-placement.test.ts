import { describe, expect, it } from "vitest";
import {
  countByZone,
  launchZoneOrder,
  type PlacementCandidate,
  pickForScaleIn,
  rebalanceMove,
} from "../../../../src/sandbox/aws/asg-placement";
import { SeededRandom } from "../../../../src/sandbox/clock";

const HOUR = 3_600_000;
const now = 10 * HOUR;

function candidate(
  id: string,
  zone: string,
  version: number,
  launchedAgoMs: number,
  isProtected = false,
): PlacementCandidate {
  return {
    instanceId: id,
    availabilityZone: zone,
    launchTemplateVersion: version,
    launchTimeMs: now - launchedAgoMs,
    protectedFromScaleIn: isProtected,
  };
}

describe("launchZoneOrder", () => {
  it("puts the emptiest zone first and keeps the listed order on ties", () => {
    const zones = ["a", "b", "c"];
    expect(
      launchZoneOrder(
        zones,
        new Map([
          ["a", 2],
          ["b", 1],
          ["c", 1],
        ]),
      ),
    ).toEqual(["b", "c", "a"]);
    expect(launchZoneOrder(zones, countByZone(zones, []))).toEqual(["a", "b", "c"]);
  });
});

describe("pickForScaleIn (Default termination policy)", () => {
  it("takes the fullest zone first", () => {
    const picks = pickForScaleIn(
      [candidate("i-1", "a", 1, HOUR), candidate("i-2", "b", 2, HOUR), candidate("i-3", "b", 2, HOUR)],
      1,
      now,
      new SeededRandom(1),
    );
    expect(picks).toEqual([expect.stringMatching(/^i-[23]$/)]);
  });

  it("then the oldest launch template version, then the instance closest to its next billing hour; zones re-weighed after each pick", () => {
    const picks = pickForScaleIn(
      [
        candidate("i-1", "a", 2, 50 * 60_000),
        candidate("i-2", "b", 1, 10 * 60_000),
        candidate("i-3", "b", 1, 59 * 60_000),
        candidate("i-4", "a", 2, 30 * 60_000),
      ],
      2,
      now,
      new SeededRandom(1),
    );
    // Balanced zones: version 1 first, and of those the one 59 minutes into its hour. Then zone a is
    // the fullest, so its instance closest to the hour goes, not the other version-1 instance.
    expect(picks).toEqual(["i-3", "i-1"]);
  });

  it("skips protected instances but counts them toward their zone", () => {
    const picks = pickForScaleIn(
      [candidate("i-1", "a", 1, HOUR, true), candidate("i-2", "a", 1, HOUR, true), candidate("i-3", "b", 2, HOUR)],
      2,
      now,
      new SeededRandom(1),
    );
    expect(picks).toEqual(["i-3"]);
  });

  it("breaks a full tie with the seeded stream, the same way for the same seed", () => {
    const pool = [candidate("i-1", "a", 1, HOUR), candidate("i-2", "b", 1, HOUR), candidate("i-3", "c", 1, HOUR)];
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const pick = pickForScaleIn(pool, 1, now, new SeededRandom(seed));
      expect(pickForScaleIn(pool, 1, now, new SeededRandom(seed))).toEqual(pick);
      seen.add(pick[0] as string);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe("rebalanceMove", () => {
  it("moves one instance from the fullest to the emptiest zone only when they differ by more than one", () => {
    expect(
      rebalanceMove(
        ["a", "b", "c"],
        new Map([
          ["a", 0],
          ["b", 2],
          ["c", 2],
        ]),
      ),
    ).toEqual({ launchZone: "a", terminateZone: "c" });
    expect(
      rebalanceMove(
        ["a", "b", "c"],
        new Map([
          ["a", 1],
          ["b", 2],
          ["c", 2],
        ]),
      ),
    ).toBeUndefined();
    expect(rebalanceMove(["a"], new Map([["a", 5]]))).toBeUndefined();
  });
});
