/**
 * Predicted against actual, per phase: a hatched bar for what the plan predicted and a filled one for
 * what the run took, on one seconds axis, with both values written at the bars' ends.
 */
import { timeAxis, timeGrid } from "./axis";
import { escapeXml, px, title } from "./escape";
import { HATCH_DEFS, legend, svgFrame } from "./frame";
import { SERIES_COLOURS } from "./palette";
import { fitText, formatDuration, linearScale } from "./scale";

const WIDTH = 960;
const LEFT = 230;
const RIGHT = 150;
const BAR = 11;

export interface PhaseComparison {
  label: string;
  predictedSeconds?: number;
  actualSeconds?: number;
}

export function renderPredictedActual(rows: PhaseComparison[]): string {
  const longest = Math.max(1, ...rows.flatMap((r) => [r.predictedSeconds ?? 0, r.actualSeconds ?? 0]));
  const x = linearScale([0, longest], [LEFT, WIDTH - RIGHT]);
  const top = 8;
  let y = top;
  const parts: string[] = [];
  for (const row of rows) {
    const label = fitText(row.label, LEFT - 16);
    parts.push(
      `<text class="axis-label row-label" x="${LEFT - 8}" y="${px(y + BAR + 4)}" text-anchor="end">${escapeXml(label)}${title(row.label)}</text>`,
    );
    const bar = (seconds: number | undefined, kind: "predicted" | "actual", by: number) => {
      if (seconds === undefined) {
        return `<text class="axis-label muted" x="${LEFT + 4}" y="${px(by + BAR - 1)}">${kind}: not recorded</text>`;
      }
      const w = Math.max(1, x(seconds) - LEFT);
      const fill = kind === "predicted" ? "url(#hatch)" : SERIES_COLOURS.actual;
      const text = `${kind} ${formatDuration(seconds)}`;
      return `<rect class="compare-bar" data-kind="${kind}" data-seconds="${seconds}" x="${LEFT}" y="${px(by)}" width="${px(w)}" height="${BAR}" fill="${fill}" stroke="${kind === "predicted" ? SERIES_COLOURS.predicted : "none"}">${title(`${row.label}: ${text}`)}</rect><text class="axis-label value-label" x="${px(LEFT + w + 4)}" y="${px(by + BAR - 1)}">${escapeXml(text)}</text>`;
    };
    parts.push(bar(row.predictedSeconds, "predicted", y), bar(row.actualSeconds, "actual", y + BAR + 2));
    y += 2 * BAR + 14;
  }
  const axisY = y;
  const key = legend(
    [
      { label: "predicted by the plan", colour: SERIES_COLOURS.predicted, hatched: true },
      { label: "actual", colour: SERIES_COLOURS.actual },
    ],
    LEFT,
    axisY + 44,
    WIDTH - LEFT - RIGHT,
  );
  const height = axisY + 44 + key.height + 4;
  return svgFrame(
    WIDTH,
    height,
    "Predicted against actual, per phase",
    [
      HATCH_DEFS,
      timeGrid(x, top, y - 6, longest),
      parts.join(""),
      timeAxis(x, axisY, longest, "duration"),
      key.svg,
    ].join(""),
  );
}
