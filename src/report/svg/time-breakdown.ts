/**
 * "Where the time went": one stacked bar per wave (waiting for replacements, drain, PDB-blocked, the
 * rest), on a seconds axis from the wave's start, with the budgets that held the drain named under the
 * bar. The wave where the run stopped is marked. (Class names keep "batch" for the wave.)
 */
import { TIME_KIND_WORDS, type TimeKind, type WaveTime } from "../time-spent";
import { timeAxis, timeGrid } from "./axis";
import { escapeXml, px, title } from "./escape";
import { legend, svgFrame } from "./frame";
import { PALETTE } from "./palette";
import { fitText, formatDuration, linearScale } from "./scale";

const WIDTH = 960;
const LEFT = 130;
/** Room right of the longest bar for its total. */
const RIGHT = 84;
const BAR = 16;

export const TIME_KIND_COLOURS: Record<TimeKind, string> = {
  replacements: PALETTE.sky,
  drain: PALETTE.orange,
  "pdb-blocked": PALETTE.purple,
  other: PALETTE.grey,
};

export interface TimeBreakdownInput {
  waves: (WaveTime & { size: number; stoppedIn?: string })[];
}

export function renderTimeBreakdown(input: TimeBreakdownInput): string {
  const longest = Math.max(1, ...input.waves.map((b) => b.totalSeconds));
  const x = linearScale([0, longest], [LEFT, WIDTH - RIGHT]);
  const top = 10;
  const rows: string[] = [];
  let y = top;
  for (const b of input.waves) {
    const rowHeight = b.blockedBy.length > 0 || b.stoppedIn ? BAR + 22 : BAR + 10;
    let offset = 0;
    const segments = b.parts
      .map((part) => {
        const x0 = x(offset);
        offset += part.seconds;
        return `<rect class="time-seg" data-batch="${b.wave + 1}" data-kind="${part.kind}" data-seconds="${part.seconds.toFixed(1)}" x="${px(x0)}" y="${px(y)}" width="${px(Math.max(0.5, x(offset) - x0))}" height="${BAR}" fill="${TIME_KIND_COLOURS[part.kind]}">${title(
          `wave ${b.wave + 1}: ${TIME_KIND_WORDS[part.kind]} ${formatDuration(part.seconds)}${part.kind === "pdb-blocked" && b.blockedBy.length > 0 ? ` (held by ${b.blockedBy.map((p) => p.pdb).join(", ")})` : ""}`,
        )}</rect>`;
      })
      .join("");
    const label = `wave ${b.wave + 1} (${b.size} node${b.size === 1 ? "" : "s"})`;
    const notes: string[] = [];
    if (b.blockedBy.length > 0) {
      notes.push(`held by ${b.blockedBy.map((p) => `${p.pdb} ${formatDuration(p.seconds)}`).join(", ")}`);
    }
    if (b.stoppedIn) notes.push(`stopped in ${b.stoppedIn}`);
    const note = fitText(notes.join("; "), WIDTH - RIGHT - LEFT);
    rows.push(
      `<g class="batch-row" data-batch="${b.wave + 1}">`,
      `<text class="axis-label row-label" x="${LEFT - 8}" y="${px(y + BAR - 4)}" text-anchor="end">${escapeXml(label)}</text>`,
      segments,
      `<text class="axis-label total-label" data-batch="${b.wave + 1}" x="${px(x(b.totalSeconds) + 4)}" y="${px(y + BAR - 4)}">${escapeXml(formatDuration(b.totalSeconds))}</text>`,
      note
        ? `<text class="axis-label pdb-note${b.stoppedIn ? " stop-label" : ""}" x="${LEFT}" y="${px(y + BAR + 13)}">${escapeXml(note)}</text>`
        : "",
      "</g>",
    );
    y += rowHeight;
  }
  const axisY = y + 2;
  const key = legend(
    (Object.keys(TIME_KIND_COLOURS) as TimeKind[]).map((k) => ({
      label: TIME_KIND_WORDS[k],
      colour: TIME_KIND_COLOURS[k],
    })),
    LEFT,
    axisY + 44,
    WIDTH - LEFT - RIGHT,
  );
  const height = axisY + 44 + key.height + 4;
  const body = [
    timeGrid(x, top, y, longest),
    rows.join(""),
    timeAxis(x, axisY, longest, "time from the wave's first replacement launch"),
    key.svg,
  ].join("");
  return svgFrame(WIDTH, height, "Where each wave's time went", body);
}
