import { describe, expect, it } from "vitest";
import { launchZones, roomByZone, surgeTarget, zoneViews } from "../../../../src/core/roll/pipeline";
import type { GroupMember } from "../../../../src/core/roll/snapshot-types";

let next = 0;
function member(zone: string, ready: boolean, unschedulable = false): GroupMember {
  next++;
  return {
    instanceId: `i-${String(next).padStart(4, "0")}`,
    availabilityZone: zone,
    lifecycleState: "InService",
    nodeReady: ready,
    unschedulable,
    ...(ready ? { nodeName: `node-${next}` } : {}),
  };
}

/** An uneven group, all outdated: 7 in a, 3 in b, 5 in c. */
function uneven() {
  const old = [
    ...Array.from({ length: 7 }, () => member("a", true)),
    ...Array.from({ length: 3 }, () => member("b", true)),
    ...Array.from({ length: 5 }, () => member("c", true)),
  ];
  return { old, ids: new Set(old.map((m) => m.instanceId)), floors: { a: 7, b: 3, c: 5 } };
}

describe("the roll's pipeline", () => {
  it("sends replacements to the AZs whose outdated nodes lack them, most first, never to an AZ with none left", () => {
    const { old, ids, floors } = uneven();
    const views = zoneViews(old, ids, new Set(), floors);
    // Auto Scaling's balancing would start with b, the smallest AZ; the outdated nodes are mostly in a.
    expect(launchZones(views, 3)).toEqual({ a: 3 });
    expect(launchZones(views, 4)).toEqual({ a: 3, c: 1 });
    expect(launchZones(views, 15)).toEqual({ a: 7, b: 3, c: 5 });
    // Replacements on their way count: a has three joining, so the next goes to c.
    const joining = [member("a", false), member("a", false), member("a", false)];
    expect(launchZones(zoneViews([...old, ...joining], ids, new Set(), floors), 1)).toEqual({ c: 1 });
  });

  it("lets an AZ cordon only the Ready schedulable nodes it has beyond its floor", () => {
    const { old, ids, floors } = uneven();
    const replacements = [member("a", true), member("a", true), member("b", false)];
    const cordoned = old.find((m) => m.availabilityZone === "c") as GroupMember;
    cordoned.unschedulable = true;
    const views = zoneViews([...old, ...replacements], ids, new Set([cordoned.instanceId]), floors);
    // a: 9 Ready for a floor of 7; b: its replacement is not Ready yet; c: one below its floor while it drains.
    expect(roomByZone(views)).toEqual({ a: 2, b: 0, c: 0 });
  });

  it("keeps the surge in flight while outdated nodes remain, fewer at the tail", () => {
    expect(surgeTarget(15, 3, 15)).toBe(18);
    expect(surgeTarget(15, 3, 2)).toBe(17);
    expect(surgeTarget(15, 3, 0)).toBe(15);
  });
});
