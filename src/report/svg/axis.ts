/**
 * Axes with values and units. Labels are placed from measured estimates (scale.ts) so that they stay
 * inside the picture and never overlap; each label is a `<text class="axis-label">` so a test can check
 * exactly that in a browser.
 */
import { escapeXml, px } from "./escape";
import { durationTicks, formatOffset, type LinearScale, numberTicks, textWidth, ticksThatFit } from "./scale";

export const AXIS_FONT = 11;

/** A time axis along the bottom of a plot: offsets from the run's start. */
export function timeAxis(
  x: LinearScale,
  y: number,
  spanSeconds: number,
  caption = "time since the run started",
): string {
  const [left, right] = x.range;
  const widest = textWidth("1 h 30 min", AXIS_FONT);
  const ticks = durationTicks(spanSeconds, ticksThatFit(right - left, widest));
  const parts = [`<line class="axis-line" x1="${px(left)}" y1="${px(y)}" x2="${px(right)}" y2="${px(y)}"/>`];
  for (const t of ticks) {
    const at = x(t);
    const label = formatOffset(t);
    const half = textWidth(label, AXIS_FONT) / 2;
    const anchor = at + half > right + 4 ? "end" : at - half < left - 4 ? "start" : "middle";
    parts.push(
      `<line class="axis-tick" x1="${px(at)}" y1="${px(y)}" x2="${px(at)}" y2="${px(y + 4)}"/>`,
      `<text class="axis-label" x="${px(at)}" y="${px(y + 16)}" text-anchor="${anchor}">${escapeXml(label)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-caption" x="${px((left + right) / 2)}" y="${px(y + 32)}" text-anchor="middle">${escapeXml(caption)}</text>`,
  );
  return parts.join("");
}

/** Vertical grid lines at the time axis' ticks, behind a plot. */
export function timeGrid(x: LinearScale, top: number, bottom: number, spanSeconds: number): string {
  const [left, right] = x.range;
  const ticks = durationTicks(spanSeconds, ticksThatFit(right - left, textWidth("1 h 30 min", AXIS_FONT)));
  return ticks
    .map((t) => `<line class="grid" x1="${px(x(t))}" y1="${px(top)}" x2="${px(x(t))}" y2="${px(bottom)}"/>`)
    .join("");
}

/** A value axis on the left of a plot, ticks labelled with their unit ("4 vCPU"). */
export function valueAxis(
  y: LinearScale,
  x: number,
  max: number,
  format: (value: number) => string,
  gridRight?: number,
): string {
  const [bottom, top] = y.range;
  const ticks = numberTicks(max, ticksThatFit(bottom - top, AXIS_FONT * 1.2));
  const parts = [`<line class="axis-line" x1="${px(x)}" y1="${px(top)}" x2="${px(x)}" y2="${px(bottom)}"/>`];
  for (const value of ticks) {
    const at = y(value);
    if (at < top - 0.5) continue;
    if (gridRight !== undefined)
      parts.push(`<line class="grid" x1="${px(x)}" y1="${px(at)}" x2="${px(gridRight)}" y2="${px(at)}"/>`);
    parts.push(
      `<line class="axis-tick" x1="${px(x - 4)}" y1="${px(at)}" x2="${px(x)}" y2="${px(at)}"/>`,
      `<text class="axis-label" x="${px(x - 6)}" y="${px(at + 4)}" text-anchor="end">${escapeXml(format(value))}</text>`,
    );
  }
  return parts.join("");
}

/** The largest tick a value axis will draw for `max`: the plot's domain, so the top tick sits at the top. */
export function niceMax(max: number, height: number): number {
  const ticks = numberTicks(max, ticksThatFit(height, AXIS_FONT * 1.2));
  return ticks[ticks.length - 1] ?? 1;
}
