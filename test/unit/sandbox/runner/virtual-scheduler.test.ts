import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../../src/sandbox/clock";
import { VirtualScheduler } from "../../../../src/sandbox/runner/virtual-scheduler";

describe("VirtualScheduler", () => {
  it("overlaps the waits of executions running at the same time instead of adding them up", async () => {
    const clock = new VirtualClock();
    const scheduler = new VirtualScheduler(clock);
    const start = clock.nowMs();
    const woke: string[] = [];
    const execution = async (name: string, waits: number[]) => {
      scheduler.join();
      for (const seconds of waits) {
        await scheduler.sleepUntil(clock.nowMs() + seconds * 1000);
        woke.push(`${name}@${(clock.nowMs() - start) / 1000}`);
      }
      scheduler.leave();
    };
    await Promise.all([execution("a", [10, 10]), execution("b", [5, 30])]);
    expect(woke).toEqual(["b@5", "a@10", "a@20", "b@35"]);
    expect((clock.nowMs() - start) / 1000).toBe(35);
  });

  it("lets time move for the others while one waits on something else, and runs steps one at a time", async () => {
    const clock = new VirtualClock();
    const scheduler = new VirtualScheduler(clock);
    scheduler.join();
    scheduler.join();
    // The first steps aside (it waits on its children): the second alone decides when time moves.
    scheduler.leave();
    await scheduler.sleepUntil(clock.nowMs() + 60_000);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(60_000);
    const order: string[] = [];
    await Promise.all([
      scheduler.exclusive(async () => {
        order.push("first:start");
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push("first:end");
      }),
      scheduler.exclusive(async () => {
        order.push("second");
      }),
    ]);
    expect(order).toEqual(["first:start", "first:end", "second"]);
  });
});
