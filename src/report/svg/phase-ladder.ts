/**
 * The upgrade's phase ladder: one row per phase (control plane, add-ons, node groups, a minor at a time)
 * with the child rolls under their phase, each a bar from start to end on the run's time axis, the
 * plan's prediction hatched beneath, and the kubelet skew observed after each phase in the right column.
 */
import { timeAxis, timeGrid } from "./axis";
import { escapeXml, px, title } from "./escape";
import { HATCH_DEFS, legend, svgFrame } from "./frame";
import { stopMarker } from "./node-timeline";
import { PALETTE, SERIES_COLOURS } from "./palette";
import { fitText, formatDuration, linearScale } from "./scale";

const WIDTH = 960;
const LEFT = 250;
const RIGHT = 96;
const ROW = 26;

export interface LadderRow {
  label: string;
  kind: "control-plane" | "addons" | "node-groups" | "roll" | string;
  startMs?: number;
  endMs?: number;
  predictedSeconds?: number;
  skewAfter?: number;
  failed?: boolean;
  note?: string;
}

const KIND_COLOURS: Record<string, string> = {
  "control-plane": PALETTE.blue,
  "self-managed-control-plane": PALETTE.blue,
  addons: PALETTE.green,
  "node-groups": PALETTE.orange,
  roll: PALETTE.sky,
};

export function renderPhaseLadder(
  rows: LadderRow[],
  startMs: number,
  endMs: number,
  stop?: { state: string; atMs: number },
): string {
  const spanSeconds = Math.max(1, (endMs - startMs) / 1000);
  const x = linearScale([0, spanSeconds], [LEFT, WIDTH - RIGHT]);
  const at = (ms: number) => x(Math.max(0, Math.min(spanSeconds, (ms - startMs) / 1000)));
  const top = 8 + (stop ? 16 : 0);
  const parts: string[] = [];
  parts.push(`<text class="axis-label column-head" x="${WIDTH - RIGHT + 8}" y="${px(top + 10)}">skew after</text>`);
  let y = top + 18;
  for (const row of rows) {
    const indent = row.kind === "roll" ? 16 : 0;
    const maxLabel = LEFT - 12 - indent;
    const label = fitText(row.label, maxLabel);
    parts.push(`<g class="ladder-row" data-kind="${escapeXml(row.kind)}">`);
    parts.push(
      `<text class="axis-label row-label" x="${8 + indent}" y="${px(y + 12)}">${escapeXml(label)}${title(row.label)}</text>`,
    );
    const colour = KIND_COLOURS[row.kind] ?? PALETTE.grey;
    if (row.startMs !== undefined && row.endMs !== undefined) {
      const x0 = at(row.startMs);
      const x1 = at(row.endMs);
      const took = (row.endMs - row.startMs) / 1000;
      parts.push(
        `<rect class="ladder-bar${row.failed ? " failed" : ""}" x="${px(x0)}" y="${px(y + 2)}" width="${px(Math.max(1, x1 - x0))}" height="12" fill="${colour}"${row.failed ? ` stroke="${PALETTE.vermillion}" stroke-width="2"` : ""}>${title(
          `${row.label}: ${formatDuration(took)}${row.predictedSeconds !== undefined ? `, predicted ${formatDuration(row.predictedSeconds)}` : ""}${row.note ? `; ${row.note}` : ""}`,
        )}</rect>`,
      );
      if (row.predictedSeconds !== undefined) {
        const w = Math.max(1, Math.min(WIDTH - RIGHT, x((row.startMs - startMs) / 1000 + row.predictedSeconds)) - x0);
        parts.push(
          `<rect class="ladder-predicted" x="${px(x0)}" y="${px(y + 15)}" width="${px(w)}" height="5" fill="url(#hatch)" stroke="${SERIES_COLOURS.predicted}" stroke-width="0.5">${title(`${row.label}: predicted ${formatDuration(row.predictedSeconds)}`)}</rect>`,
        );
      }
    } else {
      parts.push(`<text class="axis-label muted" x="${LEFT + 4}" y="${px(y + 12)}">not run</text>`);
    }
    if (row.skewAfter !== undefined) {
      parts.push(
        `<text class="axis-label skew${row.skewAfter > 1 ? " alarm" : ""}" x="${WIDTH - RIGHT + 8}" y="${px(y + 12)}">${row.skewAfter} minor${row.skewAfter === 1 ? "" : "s"}</text>`,
      );
    }
    parts.push("</g>");
    y += ROW;
  }
  const plotBottom = y;
  const key = legend(
    [
      { label: "control plane", colour: PALETTE.blue },
      { label: "add-ons", colour: PALETTE.green },
      { label: "node groups", colour: PALETTE.orange },
      { label: "a child roll", colour: PALETTE.sky },
      { label: "predicted", colour: SERIES_COLOURS.predicted, hatched: true },
    ],
    LEFT,
    plotBottom + 48,
    WIDTH - LEFT - RIGHT,
  );
  const height = plotBottom + 48 + key.height + 4;
  return svgFrame(
    WIDTH,
    height,
    "Upgrade phases over time, with kubelet skew",
    [
      HATCH_DEFS,
      timeGrid(x, top, plotBottom, spanSeconds),
      parts.join(""),
      stop ? stopMarker(at(stop.atMs), 6, plotBottom, stop.state) : "",
      timeAxis(x, plotBottom + 4, spanSeconds),
      key.svg,
    ].join(""),
  );
}
