/**
 * An SVG timeline of a node group per AZ: Ready schedulable old nodes, new nodes and cordoned nodes
 * over virtual time, drawn as step lines. Plain SVG, no script, so the report opens anywhere.
 */
import type { TimelineSample } from "../../sandbox/timeline";

const WIDTH = 860;
const ROW_HEIGHT = 120;
const LEFT = 110;
const RIGHT = 20;
const SERIES = [
  { key: "old", color: "#c0392b", label: "old (to replace)" },
  { key: "new", color: "#27ae60", label: "new" },
  { key: "cordoned", color: "#e67e22", label: "cordoned" },
] as const;

export function renderTimeline(samples: TimelineSample[], endMs: number): string {
  if (samples.length === 0) return "<p>No samples.</p>";
  const startMs = (samples[0] as TimelineSample).atMs;
  const span = Math.max(1, endMs - startMs);
  const zones = [...new Set(samples.flatMap((s) => Object.keys(s.byZone)))].sort();
  const peak = Math.max(
    1,
    ...samples.flatMap((s) => Object.values(s.byZone).flatMap((z) => [z.old, z.new, z.cordoned])),
  );
  const x = (ms: number) => LEFT + ((ms - startMs) / span) * (WIDTH - LEFT - RIGHT);
  const rows = zones.map((zone, row) => {
    const top = 20 + row * ROW_HEIGHT;
    const y = (value: number) => top + ROW_HEIGHT - 25 - (value / peak) * (ROW_HEIGHT - 40);
    const lines = SERIES.map(({ key, color }) => {
      let d = "";
      let previous: number | undefined;
      for (const sample of samples) {
        const value = sample.byZone[zone]?.[key] ?? 0;
        d += previous === undefined ? `M${x(sample.atMs)},${y(value)}` : `H${x(sample.atMs)}V${y(value)}`;
        previous = value;
      }
      d += `H${x(endMs)}`;
      return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`;
    }).join("");
    return `<g><text x="8" y="${top + 18}" font-size="13" font-weight="bold">${zone}</text>
<text x="8" y="${y(peak) + 4}" font-size="11" fill="#666">${peak} nodes</text>
<line x1="${LEFT}" y1="${y(0)}" x2="${WIDTH - RIGHT}" y2="${y(0)}" stroke="#ccc"/>${lines}</g>`;
  });
  const height = 40 + zones.length * ROW_HEIGHT;
  const ticks = Array.from({ length: 6 }, (_, i) => {
    const ms = startMs + (span * i) / 5;
    return `<text x="${x(ms)}" y="${height - 5}" font-size="11" text-anchor="middle" fill="#666">${Math.round((ms - startMs) / 1000)} s</text>`;
  }).join("");
  const legend = SERIES.map(
    (s, i) =>
      `<rect x="${LEFT + i * 150}" y="4" width="12" height="12" fill="${s.color}"/><text x="${LEFT + 16 + i * 150}" y="14" font-size="12">${s.label}</text>`,
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">${legend}${rows.join("")}${ticks}</svg>`;
}
