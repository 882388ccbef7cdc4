/**
 * Any workflow's steps over time: one row per step name, in the order first run, a bar per invocation
 * (failed ones outlined), optional instants marked ("cordoned", "drained"), and where the run stopped.
 * The picture every workflow gets before it has pictures of its own.
 */
import type { StepSpan } from "../step-spans";
import { timeAxis, timeGrid } from "./axis";
import { escapeXml, px, title } from "./escape";
import { legend, svgFrame } from "./frame";
import { stopMarker } from "./node-timeline";
import { PALETTE } from "./palette";
import { fitText, formatDuration, linearScale, textWidth } from "./scale";

const WIDTH = 960;
const LEFT = 250;
const RIGHT = 16;
const ROW = 20;

export interface Milestone {
  label: string;
  atMs: number;
}

export function renderStepGantt(
  spans: StepSpan[],
  startMs: number,
  endMs: number,
  milestones: Milestone[] = [],
  stop?: { state: string; atMs: number },
): string {
  const spanSeconds = Math.max(1, (endMs - startMs) / 1000);
  const x = linearScale([0, spanSeconds], [LEFT, WIDTH - RIGHT]);
  const at = (ms: number) => x(Math.max(0, Math.min(spanSeconds, (ms - startMs) / 1000)));
  const names = [...new Set(spans.map((s) => s.state))];
  // Milestone labels take rows of their own above the plot, staggered so that they never meet.
  const labelRows: number[] = [];
  const placed = milestones.map((m) => {
    const w = textWidth(m.label, 11);
    const left = Math.max(LEFT, Math.min(WIDTH - RIGHT - w, at(m.atMs) - w / 2));
    let row = labelRows.findIndex((end) => end + 6 < left);
    if (row < 0) {
      row = labelRows.length;
      labelRows.push(0);
    }
    labelRows[row] = left + w;
    return { ...m, left, row };
  });
  const top = 8 + (labelRows.length + (stop ? 1 : 0)) * 15 + 4;
  const parts: string[] = [];
  names.forEach((name, i) => {
    const y = top + i * ROW;
    parts.push(
      `<g class="step-row" data-state="${escapeXml(name)}"><text class="axis-label row-label" x="${LEFT - 8}" y="${px(y + 13)}" text-anchor="end">${escapeXml(fitText(name, LEFT - 16))}</text>`,
    );
    for (const span of spans.filter((s) => s.state === name)) {
      const x0 = at(span.fromMs);
      parts.push(
        `<rect class="step-bar" x="${px(x0)}" y="${px(y + 3)}" width="${px(Math.max(1.5, at(span.toMs) - x0))}" height="12" fill="${span.failed ? PALETTE.vermillion : PALETTE.blue}">${title(
          `${name}: from ${formatDuration((span.fromMs - startMs) / 1000)}, ${((span.toMs - span.fromMs) / 1000).toFixed(1)} s${span.failed ? ", failed" : ""}`,
        )}</rect>`,
      );
    }
    parts.push("</g>");
  });
  const plotBottom = top + names.length * ROW;
  for (const m of placed) {
    const mx = at(m.atMs);
    parts.push(
      `<g class="milestone"><line class="grid" x1="${px(mx)}" y1="${px(8 + m.row * 15 + 4)}" x2="${px(mx)}" y2="${px(plotBottom)}" stroke-dasharray="3 2"/><text class="axis-label" x="${px(m.left)}" y="${px(8 + m.row * 15 + 11)}">${escapeXml(m.label)}${title(`${m.label} at ${formatDuration((m.atMs - startMs) / 1000)}`)}</text></g>`,
    );
  }
  const key = legend(
    [
      { label: "a step ran", colour: PALETTE.blue },
      { label: "a step failed", colour: PALETTE.vermillion },
    ],
    LEFT,
    plotBottom + 48,
    WIDTH - LEFT - RIGHT,
  );
  return svgFrame(
    WIDTH,
    plotBottom + 48 + key.height + 4,
    "Steps over time",
    [
      timeGrid(x, top, plotBottom, spanSeconds),
      parts.join(""),
      stop ? stopMarker(at(stop.atMs), 8 + labelRows.length * 15, plotBottom, stop.state) : "",
      timeAxis(x, plotBottom + 4, spanSeconds),
      key.svg,
    ].join(""),
  );
}
