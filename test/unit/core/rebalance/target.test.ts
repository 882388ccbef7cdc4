import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GroupFacts, nextMove, predictLaunchZones, targetByZone } from "../../../../src/core/rebalance/target";

const facts = (zones: [string, number, number, boolean?][]): GroupFacts => ({
  group: "workers",
  zones: zones.map(([zone, nodes, floor, launchable]) => ({ zone, nodes, floor, launchable: launchable ?? true })),
});

describe("targetByZone", () => {
  it("spreads a group within ±1 of even, the +1 where nodes already are", () => {
    expect(
      targetByZone(
        facts([
          ["a", 5, 1, true],
          ["b", 4, 1, true],
          ["c", 0, 1, true],
        ]),
      ),
    ).toEqual({ a: 3, b: 3, c: 3 });
    expect(
      targetByZone(
        facts([
          ["a", 4, 0],
          ["b", 4, 0],
          ["c", 0, 1],
        ]),
      ),
    ).toEqual({ a: 3, b: 3, c: 2 });
  });

  it("gives a zone its floor when its pinned pods need more than the even share", () => {
    expect(
      targetByZone(
        facts([
          ["a", 6, 0],
          ["b", 2, 5],
          ["c", 1, 0],
        ]),
      ),
    ).toEqual({ a: 2, b: 5, c: 2 });
  });

  it("leaves a zone short of capacity at what it has (never more), and balances the others around it", () => {
    expect(
      targetByZone(
        facts([
          ["a", 5, 1],
          ["b", 4, 1],
          ["c", 0, 1, false],
        ]),
      ),
    ).toEqual({ a: 4, b: 4, c: 1 });
  });

  it("property: the total is kept (unless floors need more), every zone at or above its floor, open zones within ±1", () => {
    const zone = fc.record({ nodes: fc.integer({ min: 0, max: 40 }), floor: fc.integer({ min: 0, max: 6 }) });
    fc.assert(
      fc.property(fc.array(zone, { minLength: 2, maxLength: 6 }), (zones) => {
        const f = facts(zones.map((z, i) => [`z${i}`, z.nodes, z.floor]));
        const target = targetByZone(f);
        const total = zones.reduce((s, z) => s + z.nodes, 0);
        const floors = zones.reduce((s, z) => s + z.floor, 0);
        const sum = Object.values(target).reduce((s, n) => s + n, 0);
        expect(sum).toBeGreaterThanOrEqual(total);
        if (floors <= total) expect(sum).toBe(total);
        for (const z of f.zones) expect(target[z.zone]).toBeGreaterThanOrEqual(z.floor);
        const atShare = f.zones.filter((z) => (target[z.zone] ?? 0) > z.floor).map((z) => target[z.zone] ?? 0);
        if (atShare.length > 1) expect(Math.max(...atShare) - Math.min(...atShare)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("predictLaunchZones", () => {
  it("puts each launch in the zone with the fewest instances, ties to the zone listed first", () => {
    const zones = [
      { zone: "a", instances: 2 },
      { zone: "b", instances: 1 },
      { zone: "c", instances: 1 },
    ];
    expect(predictLaunchZones(zones, 4)).toEqual(["b", "c", "a", "b"]);
  });
});

describe("nextMove", () => {
  it("launches into the empty zone first, then takes the surplus from the longest zones", () => {
    const decision = nextMove(
      facts([
        ["a", 5, 1],
        ["b", 4, 1],
        ["c", 0, 1],
      ]),
      { a: 5, b: 4, c: 0 },
    );
    expect(decision).toEqual({
      kind: "move",
      move: { group: "workers", launches: ["c", "c", "c"], removals: ["a", "a", "b"] },
    });
  });

  it("launches only as many as Auto Scaling will place in short zones", () => {
    // b needs 5 for its floor but is not the smallest zone: Auto Scaling would launch in c first.
    const decision = nextMove(
      facts([
        ["a", 6, 0],
        ["b", 2, 5],
        ["c", 1, 0],
      ]),
      { a: 6, b: 2, c: 1 },
    );
    expect(decision.kind).toBe("move");
    if (decision.kind === "move") {
      expect(decision.move.launches.every((z) => z === "b" || z === "c")).toBe(true);
    }
  });

  it("is balanced when every zone is within ±1, and never moves nodes into a zone short of capacity", () => {
    expect(
      nextMove(
        facts([
          ["a", 3, 1],
          ["b", 3, 1],
          ["c", 2, 1],
        ]),
        { a: 3, b: 3, c: 2 },
      ).kind,
    ).toBe("balanced");
    expect(
      nextMove(
        facts([
          ["a", 5, 1],
          ["b", 4, 1],
          ["c", 0, 1, false],
        ]),
        { a: 5, b: 4, c: 0 },
      ).kind,
    ).toBe("balanced");
  });

  it("property: a move never plans to take a zone below its target, and removes no more than it launches", () => {
    const zone = fc.record({ nodes: fc.integer({ min: 0, max: 30 }), floor: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(zone, { minLength: 2, maxLength: 5 }), (zones) => {
        const f = facts(zones.map((z, i) => [`z${i}`, z.nodes, z.floor]));
        const target = targetByZone(f);
        const decision = nextMove(f, Object.fromEntries(f.zones.map((z) => [z.zone, z.nodes])));
        if (decision.kind !== "move") return;
        const { launches, removals } = decision.move;
        expect(removals.length).toBeLessThanOrEqual(launches.length);
        for (const z of f.zones) {
          const after =
            z.nodes + launches.filter((l) => l === z.zone).length - removals.filter((r) => r === z.zone).length;
          if (removals.includes(z.zone)) expect(after).toBeGreaterThanOrEqual(target[z.zone] ?? 0);
          if (launches.includes(z.zone)) expect(after).toBeLessThanOrEqual(target[z.zone] ?? 0);
        }
      }),
    );
  });
});
