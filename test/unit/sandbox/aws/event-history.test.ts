import { describe, expect, it } from "vitest";
import { REGION_EVENTS_KEPT, RegionEventBus } from "../../../../src/sandbox/aws/events";
import { IdFactory } from "../../../../src/sandbox/aws/ids";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";

function bus() {
  return new RegionEventBus(new VirtualClock(), new IdFactory(new SeededRandom(7)), "us-east-1");
}

describe("region event history", () => {
  it("keeps the recent events only, and a cursor still finds exactly what came after it", () => {
    const events = bus();
    const total = 2 * REGION_EVENTS_KEPT + 123;
    let cursor = 0;
    const delivered: string[] = [];
    for (let i = 0; i < total; i++) {
      events.instanceStateChanged(`i-${i}`, "running");
      // A reader looking every 997 events sees each event once, in order, although old ones are dropped.
      if (i % 997 === 0) {
        delivered.push(...events.emittedSince(cursor).map((e) => e.detail["instance-id"] as string));
        cursor = events.emittedCount();
      }
    }
    delivered.push(...events.emittedSince(cursor).map((e) => e.detail["instance-id"] as string));
    expect(delivered).toEqual(Array.from({ length: total }, (_, i) => `i-${i}`));
    expect(events.emittedCount()).toBe(total);
    const kept = events.emitted();
    expect(kept.length).toBeGreaterThanOrEqual(REGION_EVENTS_KEPT);
    expect(kept.length).toBeLessThan(2 * REGION_EVENTS_KEPT);
    expect(kept.at(-1)?.detail["instance-id"]).toBe(`i-${total - 1}`);
  });

  it("gives a reader whose cursor fell behind what is still kept, not events twice", () => {
    const events = bus();
    for (let i = 0; i < 2 * REGION_EVENTS_KEPT; i++) events.instanceStateChanged(`i-${i}`, "running");
    const since = events.emittedSince(0);
    expect(since).toEqual(events.emitted());
    expect(new Set(since.map((e) => e.id)).size).toBe(since.length);
  });
});
