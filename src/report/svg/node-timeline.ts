/**
 * The per-node timeline: one lane per node the run touched, grouped by AZ, coloured by state (launching
 * and joining → serving; serving → cordoned and draining → terminating → gone), over a band per wave
 * (the nodes cordoned together; bands overlap when waves drain at once), with where the run stopped marked. Every segment carries its AZ, state and times as data
 * attributes and a hover title naming the node.
 */
import { LANE_STATE_WORDS, type LaneState, type NodeLane } from "../node-lanes";
import type { RollWave } from "../roll-run";
import { AXIS_FONT, timeAxis, timeGrid } from "./axis";
import { escapeXml, px, title } from "./escape";
import { legend, svgFrame } from "./frame";
import { SERIES_COLOURS } from "./palette";
import { formatDuration, linearScale, textWidth } from "./scale";

const WIDTH = 960;
const LEFT = 130;
const RIGHT = 16;
const BAND_LABEL_ROW = 15;
const MAX_BLOCK = 260;

const STATE_COLOURS: Record<LaneState, string> = {
  starting: SERIES_COLOURS.starting,
  serving: SERIES_COLOURS.serving,
  "serving-old": SERIES_COLOURS.servingOld,
  draining: SERIES_COLOURS.draining,
  terminating: SERIES_COLOURS.terminating,
};

export interface NodeTimelineInput {
  lanes: NodeLane[];
  waves: RollWave[];
  startMs: number;
  endMs: number;
  stop?: { state: string; atMs: number };
}

export function renderNodeTimeline(input: NodeTimelineInput): string {
  const { lanes, waves, startMs, endMs } = input;
  const spanSeconds = Math.max(1, (endMs - startMs) / 1000);
  const x = linearScale([0, spanSeconds], [LEFT, WIDTH - RIGHT]);
  const at = (ms: number) => x((ms - startMs) / 1000);
  const zones = [...new Set(lanes.map((l) => l.zone))].sort();
  const perZone = zones.map((zone) => lanes.filter((l) => l.zone === zone));
  const most = Math.max(1, ...perZone.map((l) => l.length));
  const laneHeight = Math.max(1, Math.min(12, MAX_BLOCK / most));
  const gap = laneHeight >= 6 ? 2 : 0;

  // Wave labels: one row if they fit, else staggered over up to four rows (bands overlap), else left to the hover title.
  const bandLabels = placeBandLabels(waves, at);
  const top = 8 + bandLabels.rows * BAND_LABEL_ROW + (input.stop ? BAND_LABEL_ROW : 0) + 6;
  let y = top;
  const blocks: string[] = [];
  perZone.forEach((zoneLanes, i) => {
    const zone = zones[i] as string;
    const blockHeight = Math.max(28, zoneLanes.length * (laneHeight + gap));
    const rows = zoneLanes.map((lane, n) => {
      const ly = y + 2 + n * (laneHeight + gap);
      return lane.segments
        .map(
          (s) =>
            `<rect class="lane-seg" data-zone="${escapeXml(zone)}" data-state="${s.state}" data-batch="${lane.batch + 1}" data-from="${s.fromMs - startMs}" data-to="${s.toMs - startMs}" x="${px(at(s.fromMs))}" y="${px(ly)}" width="${px(Math.max(0.5, at(s.toMs) - at(s.fromMs)))}" height="${px(laneHeight)}" fill="${STATE_COLOURS[s.state]}"${laneHeight < 4 ? ' shape-rendering="crispEdges"' : ""}>${title(
              `${lane.label}: ${LANE_STATE_WORDS[s.state]} from ${formatDuration((s.fromMs - startMs) / 1000)} to ${formatDuration((s.toMs - startMs) / 1000)}`,
            )}</rect>`,
        )
        .join("");
    });
    blocks.push(
      `<g class="zone" data-zone="${escapeXml(zone)}"><line class="zone-rule" x1="${LEFT}" y1="${px(y)}" x2="${WIDTH - RIGHT}" y2="${px(y)}"/>`,
      `<text class="zone-label" x="8" y="${px(y + Math.min(blockHeight, 40) / 2 + 4)}">${escapeXml(zone)}</text>`,
      `<text class="zone-count axis-label" x="8" y="${px(y + Math.min(blockHeight, 40) / 2 + 18)}">${zoneLanes.length} nodes</text>`,
      rows.join(""),
      "</g>",
    );
    y += blockHeight + 8;
  });
  const plotBottom = y;
  const bands = waves
    .map((b, i) => {
      const x0 = at(b.cordonedMs);
      const x1 = at(b.endMs);
      return `<rect class="batch-band ${i % 2 === 0 ? "even" : "odd"}${b.stoppedIn ? " stopped" : ""}" data-batch="${b.index + 1}" x="${px(x0)}" y="${px(top - 4)}" width="${px(Math.max(1, x1 - x0))}" height="${px(plotBottom - top + 4)}">${title(
        `wave ${b.index + 1}: ${b.size} node(s) cordoned together (${Object.entries(b.byZone)
          .map(([z, n]) => `${z} ${n}`)
          .join(
            ", ",
          )}), ${formatDuration((b.endMs - b.cordonedMs) / 1000)}${b.stoppedIn ? `; stopped in ${b.stoppedIn}` : ""}`,
      )}</rect>`;
    })
    .join("");
  const stop = input.stop
    ? stopMarker(at(input.stop.atMs), 8 + bandLabels.rows * BAND_LABEL_ROW, plotBottom, input.stop.state)
    : "";
  const axisY = plotBottom + 4;
  // Only the states drawn: a pipelined tick drains and terminates at once, so "terminating" seldom shows.
  const drawn = new Set(lanes.flatMap((l) => l.segments.map((s) => s.state)));
  const items = (Object.keys(STATE_COLOURS) as LaneState[])
    .filter((s) => drawn.has(s))
    .map((s) => ({
      label: LANE_STATE_WORDS[s],
      colour: STATE_COLOURS[s],
    }));
  const key = legend(items, LEFT, axisY + 44, WIDTH - LEFT - RIGHT);
  const height = axisY + 44 + key.height + 4;
  const body = [
    bands,
    timeGrid(x, top, plotBottom, spanSeconds),
    bandLabels.svg,
    blocks.join(""),
    stop,
    timeAxis(x, axisY, spanSeconds),
    key.svg,
  ].join("");
  return svgFrame(WIDTH, height, "Nodes per AZ over time, by wave", body);
}

function placeBandLabels(waves: RollWave[], at: (ms: number) => number): { svg: string; rows: number } {
  if (waves.length === 0) return { svg: "", rows: 0 };
  for (const rows of [1, 2, 3, 4]) {
    const ends = Array.from({ length: rows }, () => Number.NEGATIVE_INFINITY);
    const placed: string[] = [];
    let fits = true;
    for (const [i, b] of waves.entries()) {
      const label = waves.length > 12 ? `${b.index + 1}` : `wave ${b.index + 1}`;
      const w = textWidth(label, AXIS_FONT);
      const centre = (at(b.cordonedMs) + at(b.endMs)) / 2;
      const left = Math.max(LEFT, Math.min(WIDTH - RIGHT - w, centre - w / 2));
      const row = i % rows;
      if (left < (ends[row] as number) + 4) {
        fits = false;
        break;
      }
      ends[row] = left + w;
      placed.push(
        `<text class="axis-label batch-label" data-batch="${b.index + 1}" x="${px(left)}" y="${px(8 + (row + 1) * BAND_LABEL_ROW - 3)}">${escapeXml(label)}</text>`,
      );
    }
    if (fits) return { svg: placed.join(""), rows };
  }
  return { svg: "", rows: 0 };
}

export function stopMarker(x: number, top: number, bottom: number, state: string): string {
  const label = `stopped: ${state}`;
  const w = textWidth(label, AXIS_FONT);
  const anchor = x + w > WIDTH - RIGHT ? "end" : "start";
  const tx = anchor === "end" ? x - 4 : x + 4;
  return `<g class="stop-marker"><line x1="${px(x)}" y1="${px(top)}" x2="${px(x)}" y2="${px(bottom)}"/><text class="axis-label stop-label" x="${px(tx)}" y="${px(top + BAND_LABEL_ROW - 3)}" text-anchor="${anchor}">${escapeXml(label)}</text></g>`;
}
