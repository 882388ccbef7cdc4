/**
 * A pipelined roll as its "Advance roll" ticks record it: waves that overlap in time, replacements
 * paired with the nodes they stand in for, the time budgets held drains up, and the wave a failed run
 * stopped in. Ticks written as advance.ts returns them (src/core/roll/state.ts PipelineTick).
 */
import { describe, expect, it } from "vitest";
import type { PipelineTick, WaveProgress } from "../../../src/core/roll/state";
import { nodeLanes } from "../../../src/report/node-lanes";
import type { RecordedEvent } from "../../../src/report/recorded-events";
import { rollFailure } from "../../../src/report/roll-report";
import { deriveRoll } from "../../../src/report/roll-run";
import { waveTime } from "../../../src/report/time-spent";

const input = { cluster: "demo", nodeGroup: "workers" };
const wave = (index: number, byZone: Record<string, number>, more: Partial<WaveProgress> = {}): WaveProgress => ({
  index,
  byZone,
  remainingPods: 3,
  attempts: 1,
  terminated: false,
  blockedBy: [],
  ...more,
});

function tick(atS: number, fields: Partial<PipelineTick>): RecordedEvent[] {
  const pipeline: PipelineTick = {
    finished: false,
    aborted: false,
    retryInSeconds: 5,
    remaining: 4,
    ticks: 0,
    draining: 0,
    joining: 0,
    ...fields,
  };
  return [
    { kind: "entered", state: "Advance roll", atMs: atS * 1000 - 500 },
    { kind: "exited", state: "Advance roll", atMs: atS * 1000, output: { input, pipeline } },
  ];
}

const start: RecordedEvent[] = [
  { kind: "entered", state: "Prepare group", atMs: 0 },
  { kind: "exited", state: "Prepare group", atMs: 1000, output: { input } },
];

describe("a pipelined roll from its ticks", () => {
  it("reads overlapping waves, pairs replacements with the nodes they replace and names the budgets", () => {
    const events: RecordedEvent[] = [
      ...start,
      // Two replacements launched at 10 s, one per AZ; the first tick sees no new node Ready.
      ...tick(10, { launchedByZone: { a: 1, b: 1 }, readyNewByZone: {}, waves: [] }),
      // At 100 s a's replacement is Ready: wave 0 cordons a node in a; one more launch in a.
      ...tick(100, { launchedByZone: { a: 2, b: 1 }, readyNewByZone: { a: 1 }, waves: [wave(0, { a: 1 })] }),
      // At 120 s b's is Ready too: wave 1 cordons in b while wave 0 is held by a budget.
      ...tick(120, {
        launchedByZone: { a: 2, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [wave(0, { a: 1 }, { blockedBy: ["default/web-pdb"], attempts: 2 }), wave(1, { b: 1 })],
      }),
      // At 180 s wave 1 drained and was terminated; wave 0 still held.
      ...tick(180, {
        launchedByZone: { a: 2, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [
          wave(0, { a: 1 }, { blockedBy: ["default/web-pdb"], attempts: 3 }),
          wave(1, { b: 1 }, { terminated: true, remainingPods: 0 }),
        ],
      }),
      // At 240 s wave 0 drained and was terminated.
      ...tick(240, {
        launchedByZone: { a: 2, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [wave(0, { a: 1 }, { terminated: true, remainingPods: 0, attempts: 4 })],
      }),
      { kind: "entered", state: "Summarize", atMs: 250_000 },
      { kind: "exited", state: "Summarize", atMs: 251_000, output: { input, summary: { outcome: "succeeded" } } },
    ];
    const run = deriveRoll(events);
    expect(run.waves.map((w) => [w.index, w.cordonedMs, w.terminatedMs, w.launchedMs, w.readyMs])).toEqual([
      [0, 100_000, 240_000, 10_000, 100_000],
      [1, 120_000, 180_000, 10_000, 120_000],
    ]);
    // Overlapping in time: wave 1 is cordoned and gone while wave 0 drains.
    expect(run.waves[1]?.cordonedMs).toBeLessThan(run.waves[0]?.terminatedMs ?? 0);
    // The second launch in a stood in for no node (the roll ended first): it is not paired.
    expect(run.replacements.map((r) => [r.zone, r.launchedMs, r.readyMs, r.wave])).toEqual([
      ["a", 10_000, 100_000, 0],
      ["b", 10_000, 120_000, 1],
      ["a", 100_000, undefined, undefined],
    ]);
    const held = waveTime(run.waves[0] as (typeof run.waves)[number]);
    expect(held.parts).toEqual([
      { kind: "replacements", seconds: 90 },
      { kind: "drain", seconds: 20 },
      { kind: "pdb-blocked", seconds: 120 },
    ]);
    expect(held.blockedBy).toEqual([{ pdb: "default/web-pdb", seconds: 120 }]);
    expect(held.totalSeconds).toBe(230);
    expect(run.stop).toBeUndefined();
    const lanes = nodeLanes(run);
    expect(lanes.map((l) => l.label)).toEqual([
      "wave 1, replaced node 1 in a",
      "wave 1, replacement 1 in a",
      "wave 2, replaced node 1 in b",
      "wave 2, replacement 1 in b",
      "replacement 1 in a, not paired with a wave",
    ]);
    expect(lanes[0]?.segments.map((s) => [s.state, s.fromMs, s.toMs])).toEqual([
      ["serving-old", 0, 100_000],
      ["draining", 100_000, 240_000],
    ]);
  });

  it("stops a failed run in the wave a budget held, and its nodes serve again after the restore", () => {
    const events: RecordedEvent[] = [
      ...start,
      ...tick(10, { launchedByZone: { a: 2 }, readyNewByZone: {}, waves: [] }),
      ...tick(100, {
        launchedByZone: { a: 2 },
        readyNewByZone: { a: 2 },
        waves: [wave(0, { a: 1 }), wave(1, { a: 1 })],
      }),
      ...tick(130, {
        launchedByZone: { a: 2 },
        readyNewByZone: { a: 2 },
        waves: [wave(0, { a: 1 }), wave(1, { a: 1 }, { blockedBy: ["data/db-pdb"] })],
      }),
      { kind: "entered", state: "Advance roll", atMs: 300_000 },
      { kind: "caught", state: "Advance roll", atMs: 301_000, error: "PdbBlockedTooLongError" },
      { kind: "entered", state: "Restore group", atMs: 302_000 },
      { kind: "exited", state: "Restore group", atMs: 310_000, output: { input } },
      { kind: "entered", state: "Summarize", atMs: 311_000 },
    ];
    const run = deriveRoll(events);
    expect(run.stop).toEqual({ state: "Advance roll", atMs: 301_000, error: "PdbBlockedTooLongError", wave: 1 });
    expect(run.waves.map((w) => w.stoppedIn)).toEqual([undefined, "Advance roll"]);
    expect(rollFailure(run, "drain blocked").stoppedAt.state).toBe("Advance roll (wave 2)");
    // Held from the tick that saw the refusal until the clean-up began.
    expect(waveTime(run.waves[1] as (typeof run.waves)[number]).blockedBy).toEqual([
      { pdb: "data/db-pdb", seconds: 172 },
    ]);
    const replaced = nodeLanes(run).find((l) => l.label === "wave 2, replaced node 1 in a");
    expect(replaced?.segments.map((s) => [s.state, s.fromMs, s.toMs])).toEqual([
      ["serving-old", 0, 100_000],
      ["draining", 100_000, 310_000],
      ["serving-old", 310_000, 311_000],
    ]);
  });
  it("ends each node's drain at the tick that terminated it, when it empties before the rest of its wave", () => {
    const events: RecordedEvent[] = [
      ...start,
      ...tick(10, { launchedByZone: { a: 1, b: 1 }, readyNewByZone: {}, waves: [] }),
      ...tick(100, {
        launchedByZone: { a: 1, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [wave(0, { a: 1, b: 1 })],
      }),
      // The node in b is empty at 130 s and goes; the one in a still drains.
      ...tick(130, {
        launchedByZone: { a: 1, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [wave(0, { a: 1, b: 1 }, { goneByZone: { b: 1 } })],
      }),
      ...tick(200, {
        launchedByZone: { a: 1, b: 1 },
        readyNewByZone: { a: 1, b: 1 },
        waves: [wave(0, { a: 1, b: 1 }, { terminated: true, remainingPods: 0, goneByZone: { b: 1 } })],
      }),
      { kind: "entered", state: "Summarize", atMs: 250_000 },
    ];
    const lanes = nodeLanes(deriveRoll(events));
    const drain = (label: string) => lanes.find((l) => l.label === label)?.segments.find((s) => s.state === "draining");
    expect([drain("wave 1, replaced node 1 in b")?.toMs, drain("wave 1, replaced node 1 in a")?.toMs]).toEqual([
      130_000, 200_000,
    ]);
  });
});
