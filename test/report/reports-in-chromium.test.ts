/**
 * Every report, rendered in headless Chromium: no console errors, every AZ and wave present, every label
 * inside its picture and clear of the others, and the node timeline (drawn from the run's recorded
 * events) agreeing with the simulator's own record of the nodes at instants sampled through the run.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io";
import { main } from "../../src/cli/main";
import { sandboxRollReport, sandboxUpgradeReport } from "../../src/cli/report/sandbox-reports";
import { RunRecorder } from "../../src/cli/report/write";
import { renderReportHtml } from "../../src/report/html";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { upgradeInSandbox } from "../../src/sandbox/sandbox-upgrade";
import { loadScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { GroupTimeline, type TimelineSample } from "../../src/sandbox/timeline";
import { scenarioWith } from "../workflow/helpers";
import { drawnLaneSegments, labelProblems, launchChromium, openReport } from "./chromium";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface RolledForReport {
  html: string;
  recorder: RunRecorder;
  /** The simulator's record of the group's nodes per AZ, at every tick of the virtual clock. */
  world: TimelineSample[];
  result: Awaited<ReturnType<typeof rollInSandbox>>["result"];
}

async function rollForReport(
  scenario: Scenario,
  request: { drainTimeoutSeconds?: number } = {},
): Promise<RolledForReport> {
  const group = scenario.cluster.nodeGroups[0];
  if (!group) throw new Error("scenario without a node group");
  const sandbox = await Sandbox.start(scenario);
  try {
    const recorder = new RunRecorder().observeCapacity(sandbox);
    const initial = new Set(
      sandbox.cluster
        .nodes()
        .filter((n) => n.nodeGroup === group.name)
        .map((n) => n.instanceId),
    );
    const world = new GroupTimeline(sandbox.cluster, group.name, initial, 0);
    world.attach(sandbox.clock);
    const { result } = await rollInSandbox({
      scenario,
      request: { cluster: scenario.cluster.name, nodeGroup: group.name, ...request },
      sandbox,
      run: { onEvent: recorder.onEvent },
    });
    return {
      html: renderReportHtml(sandboxRollReport(scenario, recorder, result)),
      recorder,
      world: world.samples,
      result,
    };
  } finally {
    await sandbox.close();
  }
}

/** `minLabels`: a floor, so that a picture drawn without its labels cannot pass. */
async function expectCleanPage(page: Page, errors: string[], minLabels = 20): Promise<void> {
  expect(errors).toEqual([]);
  const labels = await labelProblems(page);
  expect(labels.pictures).toBeGreaterThan(0);
  expect(labels.labels).toBeGreaterThan(minLabels);
  expect(labels.problems).toEqual([]);
}

const attr = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (elements, n) => [...new Set(elements.map((e) => e.getAttribute(n) ?? ""))].sort(), name);

describe("a roll's report in Chromium", () => {
  let small: RolledForReport;
  beforeAll(async () => {
    small = await rollForReport(loadScenario("small"));
  });

  it("renders without console errors, with every AZ and wave and every label inside its picture, clear of the others", async () => {
    expect(small.result.outcome).toBe("succeeded");
    const { page, errors } = await openReport(browser, small.html);
    try {
      await expectCleanPage(page, errors);
      const zones = Object.keys(loadScenario("small").cluster.nodeGroups[0]?.zones ?? {}).sort();
      expect(await attr(page, "#node-timeline g.zone", "data-zone")).toEqual(zones);
      expect(await attr(page, "#capacity g.capacity-zone", "data-zone")).toEqual(zones);
      const batches = Array.from({ length: small.result.batches }, (_, i) => String(i + 1)).sort();
      expect(small.result.batches).toBeGreaterThan(1);
      expect(await attr(page, "#node-timeline rect.batch-band", "data-batch")).toEqual(batches);
      expect(await attr(page, "#node-timeline text.batch-label", "data-batch")).toEqual(batches);
      expect(await attr(page, "#time-breakdown g.batch-row", "data-batch")).toEqual(batches);
      // Figures in words, in their groups, and no raw camelCase key.
      expect(await page.$$eval(".figures section", (s) => s.map((e) => e.getAttribute("data-group")))).toEqual([
        "Outcome",
        "Time",
        "Safety",
        "Cost",
        "API use",
      ]);
      const terms = await page.$$eval(".figures dt", (dts) => dts.map((d) => d.textContent ?? ""));
      expect(terms.filter((t) => /[a-z][A-Z]/.test(t))).toEqual([]);
      // The PDBs that held drains up are named under their wave.
      expect(await page.textContent("#time-breakdown")).toMatch(/held by (default\/web-pdb|data\/db-pdb)/);
      expect(await page.$("#failure")).toBeNull();
    } finally {
      await page.close();
    }
  });

  it("draws, at instants sampled between steps, as many serving, replaced and draining nodes per AZ as the simulator recorded", async () => {
    const { page } = await openReport(browser, small.html);
    let segments: Awaited<ReturnType<typeof drawnLaneSegments>>;
    try {
      segments = await drawnLaneSegments(page, "node-timeline");
    } finally {
      await page.close();
    }
    const own = small.recorder.own();
    const startMs = own[0]?.atMs ?? 0;
    // Between one step's end and the next step's start nothing of Tugboat's is in flight: the picture and
    // the world must agree there. Replacements boot all along a pipelined roll and the history learns one
    // is Ready only when a tick looks, so a booting lane may already be Ready in the world: new nodes lie
    // between those drawn serving and those drawn serving or starting; the rest must be equal.
    const instants: number[] = [];
    for (let i = 0; i + 1 < own.length; i++) {
      const a = own[i] as (typeof own)[number];
      const b = own[i + 1] as (typeof own)[number];
      if (a.kind === "exited" && b.kind === "entered" && b.atMs > a.atMs)
        instants.push((a.atMs + b.atMs) / 2 - startMs);
    }
    const zones = [...new Set(segments.map((s) => s.zone))].sort();
    let compared = 0;
    for (const t of instants) {
      const live = segments.filter((s) => s.fromMs <= t && t < s.toMs);
      const world = [...small.world].reverse().find((s) => s.atMs - startMs <= t);
      expect(world).toBeDefined();
      for (const zone of zones) {
        const drawn = live.filter((s) => s.zone === zone);
        const count = (...states: string[]) => drawn.filter((s) => states.includes(s.state)).length;
        const recorded = world?.byZone[zone] ?? { old: 0, new: 0, cordoned: 0 };
        expect({
          at: t,
          zone,
          old: count("serving-old"),
          cordoned: count("draining", "terminating"),
          newAtLeastServing: recorded.new >= count("serving"),
          newAtMostServingOrStarting: recorded.new <= count("serving", "starting"),
        }).toEqual({
          at: t,
          zone,
          old: recorded.old,
          cordoned: recorded.cordoned,
          newAtLeastServing: true,
          newAtMostServingOrStarting: true,
        });
        compared++;
      }
    }
    // Enough instants to cover every wave's phases in every AZ.
    expect(compared).toBeGreaterThanOrEqual(zones.length * small.result.batches * 3);
  });
});

describe("a failed roll's report in Chromium", () => {
  it("says why it failed at the top, names the budget, and marks where it stopped", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "web", namespace: "default" }];
    });
    const failed = await rollForReport(scenario, { drainTimeoutSeconds: 180 });
    expect(failed.result.outcome).toBe("failed");
    const { page, errors } = await openReport(browser, failed.html);
    try {
      await expectCleanPage(page, errors);
      // The failure comes first, before the figures and the pictures.
      const order = await page.$$eval("body > section, body > h2", (els) => els.map((e) => e.id || e.tagName));
      expect(order[0]).toBe("failure");
      const failure = (await page.textContent("#failure")) ?? "";
      expect(failure).toMatch(/PdbBlockedTooLongError/);
      expect(failure).toMatch(/default\/web/);
      // The pipelined roll drains in its "Advance roll" ticks: the stop names the tick and the wave it held.
      expect(failure).toMatch(/Stopped at Advance roll \(wave 1\)/);
      expect(failure).toMatch(/Next step:/);
      expect(await page.textContent("#node-timeline .stop-label")).toBe("stopped: Advance roll (wave 1)");
      expect(
        await page.$$eval("#node-timeline rect.batch-band.stopped", (r) => r.map((e) => e.getAttribute("data-batch"))),
      ).toEqual(["1"]);
      expect(await page.textContent("#time-breakdown")).toMatch(/stopped in Advance roll/);
      expect(await page.textContent("#time-breakdown")).toMatch(/held by default\/web-pdb/);
    } finally {
      await page.close();
    }
  });
});

describe("an upgrade's report in Chromium", () => {
  it("draws the phase ladder with skew, and each child roll with its AZs and batches", async () => {
    const scenario = loadScenario("upgrade");
    const sandbox = await Sandbox.start(scenario);
    let html: string;
    let result: Awaited<ReturnType<typeof upgradeInSandbox>>["result"];
    let recorder: RunRecorder;
    try {
      recorder = new RunRecorder().observeCapacity(sandbox);
      ({ result } = await upgradeInSandbox({
        scenario,
        request: { cluster: scenario.cluster.name, toVersion: "1.33" },
        sandbox,
        run: { onEvent: recorder.onEvent },
      }));
      html = renderReportHtml(sandboxUpgradeReport(scenario, recorder, result));
    } finally {
      await sandbox.close();
    }
    expect(result.outcome).toBe("succeeded");
    const { page, errors } = await openReport(browser, html);
    try {
      await expectCleanPage(page, errors);
      const rows = await page.$$eval("#phase-ladder g.ladder-row", (g) => g.map((e) => e.getAttribute("data-kind")));
      expect(rows.filter((k) => k !== "roll")).toHaveLength(9);
      const children = [...new Set(recorder.events.map((e) => e.execution).filter((e): e is string => !!e))].sort();
      expect(rows.filter((k) => k === "roll")).toHaveLength(children.length);
      expect(await page.$$eval("details.group", (d) => d.map((e) => e.id).sort())).toEqual(children);
      const skews = await page.$$eval("#phase-ladder text.skew", (t) => t.map((e) => e.textContent));
      expect(skews).toHaveLength(9);
      expect(await page.textContent("#phase-ladder")).toMatch(/3 minors/);
      // A child roll with batches shows every AZ of its group and every batch.
      const workers = children.find((c) => c.includes("workers")) as string;
      const zones = Object.keys(scenario.cluster.nodeGroups.find((g) => g.name === "workers")?.zones ?? {}).sort();
      expect(await attr(page, `[id="${workers}-node-timeline"] g.zone`, "data-zone")).toEqual(zones);
      expect(
        (await attr(page, `[id="${workers}-node-timeline"] rect.batch-band`, "data-batch")).length,
      ).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });
});

describe("an event reaction's report in Chromium", () => {
  it("draws the reaction's steps with the node's cordon and drain marked, written by tug events replay --report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tug-reaction-"));
    const out: string[] = [];
    const io: CliIO = { stdout: (l) => out.push(l), stderr: (l) => out.push(l), interactive: false };
    const code = await main(
      [
        "events",
        "replay",
        "--sandbox",
        "small",
        "test/fixtures/published/aws-events/ec2-spot-interruption-warning.json",
        "--report",
        join(dir, "reaction.html"),
      ],
      io,
    );
    expect(code).toBe(0);
    const { page, errors } = await openReport(browser, readFileSync(join(dir, "reaction.html"), "utf8"));
    try {
      await expectCleanPage(page, errors, 10);
      expect(await page.textContent("h1")).toMatch(/^Reaction to drain on ip-/);
      const steps = await attr(page, "#steps-over-time g.step-row", "data-state");
      expect(steps).toEqual(["Drain node", "Finish reaction", "Look at target"]);
      const marks = await page.$$eval("#steps-over-time g.milestone text", (t) =>
        t.map((e) => e.firstChild?.textContent),
      );
      expect(marks).toEqual(["node cordoned", "node drained"]);
    } finally {
      await page.close();
    }
  });
});
