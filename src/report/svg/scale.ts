/**
 * Scales, ticks and label sizes shared by every picture. Tick steps are "nice" (1, 2, 5 × 10ⁿ, or clock
 * steps for durations) and their number is chosen from the room the labels need, so labels never overlap.
 */
export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => range[0] + ((value - d0) / span) * (range[1] - range[0])) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** Average glyph advance of the report's sans-serif at 1 px font size: a safe upper estimate for layout. */
const GLYPH_EM = 0.62;

export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * GLYPH_EM;
}

const NUMBER_STEPS = [1, 2, 5];
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Ticks at a nice step from 0 to at least `max`, at most `maxTicks` of them. */
export function numberTicks(max: number, maxTicks: number): number[] {
  const top = max > 0 ? max : 1;
  for (let exponent = Math.floor(Math.log10(top / Math.max(1, maxTicks))) - 1; ; exponent++) {
    for (const base of NUMBER_STEPS) {
      const step = base * 10 ** exponent;
      const count = Math.ceil(top / step);
      if (count <= Math.max(1, maxTicks)) return Array.from({ length: count + 1 }, (_, i) => round(i * step));
    }
  }
}

/** Tick offsets in seconds for a span of `seconds`, on clock-friendly steps, at most `maxTicks`. */
export function durationTicks(seconds: number, maxTicks: number): number[] {
  const span = Math.max(1, seconds);
  const step =
    SECOND_STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? Math.ceil(span / maxTicks / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** A duration in words for an axis or a label: "45 s", "2 min 30 s", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest === 0 ? `${m} min` : `${m} min ${String(rest).padStart(2, "0")} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, "0")} min`;
}

/** An axis tick at an offset from the start: "0", "5 min", "1 h 30 min". */
export function formatOffset(seconds: number): string {
  return seconds === 0 ? "0" : formatDuration(seconds);
}

/** How many ticks fit when each label needs `labelWidth` pixels and a gap of half that. */
export function ticksThatFit(length: number, labelWidth: number): number {
  return Math.max(1, Math.floor(length / (labelWidth * 1.5)));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Cuts a label to the room it has, with an ellipsis; the full text stays in the element's hover title. */
export function fitText(text: string, width: number, fontSize = 11): string {
  if (textWidth(text, fontSize) <= width) return text;
  const chars = Math.max(1, Math.floor(width / (fontSize * GLYPH_EM)) - 1);
  return `${text.slice(0, chars)}…`;
}
