/**
 * Capacity against demand per AZ over time: the CPU that Ready, schedulable nodes of the AZ offer pods
 * (allocatable, less DaemonSets) against the CPU requested by the pods placed or waiting there, as step
 * lines, one small plot per AZ on a shared time axis. Where demand rises above capacity the gap is shaded.
 */
import type { CapacitySample } from "../capacity";
import { niceMax, timeAxis, timeGrid, valueAxis } from "./axis";
import { escapeXml, px, title } from "./escape";
import { legend, svgFrame } from "./frame";
import { SERIES_COLOURS } from "./palette";
import { formatDuration, linearScale } from "./scale";

const WIDTH = 960;
const LEFT = 130;
const RIGHT = 16;
const ROW = 110;

const vcpu = (millis: number) => `${Math.round((millis / 1000) * 10) / 10} vCPU`;

export function renderCapacityChart(samples: CapacitySample[], startMs: number, endMs: number): string {
  const spanSeconds = Math.max(1, (endMs - startMs) / 1000);
  const x = linearScale([0, spanSeconds], [LEFT, WIDTH - RIGHT]);
  const at = (ms: number) => x((Math.max(startMs, Math.min(endMs, ms)) - startMs) / 1000);
  const zones = [...new Set(samples.flatMap((s) => Object.keys(s.byZone)))].sort();
  const top = 10;
  const rows: string[] = [];
  zones.forEach((zone, i) => {
    // The AZ's name heads its plot, right of the value axis' labels, so the two never meet.
    const headY = top + i * ROW + 11;
    const rowTop = top + i * ROW + 20;
    const rowBottom = top + (i + 1) * ROW - 14;
    const peak = Math.max(
      1,
      ...samples.map((s) => Math.max(s.byZone[zone]?.allocatableMillis ?? 0, s.byZone[zone]?.requestedMillis ?? 0)),
    );
    const max = niceMax(peak / 1000, rowBottom - rowTop);
    const vcpuY = linearScale([0, max], [rowBottom, rowTop]);
    const y = (millis: number) => vcpuY(millis / 1000);
    const line = (key: "allocatableMillis" | "requestedMillis") => {
      let d = "";
      for (const [n, s] of samples.entries()) {
        const value = y(s.byZone[zone]?.[key] ?? 0);
        d += n === 0 ? `M${px(at(s.atMs))},${px(value)}` : `H${px(at(s.atMs))}V${px(value)}`;
      }
      return `${d}H${px(at(endMs))}`;
    };
    const short = samples
      .map((s, n) => ({ s, next: samples[n + 1]?.atMs ?? endMs }))
      .filter(({ s }) => (s.byZone[zone]?.requestedMillis ?? 0) > (s.byZone[zone]?.allocatableMillis ?? 0))
      .map(({ s, next }) => {
        const have = s.byZone[zone]?.allocatableMillis ?? 0;
        const want = s.byZone[zone]?.requestedMillis ?? 0;
        return `<rect class="shortfall" x="${px(at(s.atMs))}" y="${px(y(want))}" width="${px(Math.max(0.5, at(next) - at(s.atMs)))}" height="${px(y(have) - y(want))}">${title(
          `${zone} at ${formatDuration((s.atMs - startMs) / 1000)}: pods request ${vcpu(want)}, nodes offer ${vcpu(have)}`,
        )}</rect>`;
      })
      .join("");
    const lowest = samples.reduce(
      (low, s) => {
        const have = s.byZone[zone]?.allocatableMillis ?? 0;
        const want = s.byZone[zone]?.requestedMillis ?? 0;
        const headroom = have - want;
        return headroom < low.headroom ? { headroom, atMs: s.atMs, have, want } : low;
      },
      { headroom: Number.POSITIVE_INFINITY, atMs: startMs, have: 0, want: 0 },
    );
    rows.push(
      `<g class="capacity-zone" data-zone="${escapeXml(zone)}">`,
      `<text class="zone-label" x="${LEFT}" y="${px(headY)}">${escapeXml(zone)}</text>`,
      valueAxis(vcpuY, LEFT, max, (v) => `${v} vCPU`, WIDTH - RIGHT),
      short,
      `<path class="series" data-series="capacity" d="${line("allocatableMillis")}" fill="none" stroke="${SERIES_COLOURS.capacity}" stroke-width="2">${title(`${zone}: CPU Ready schedulable nodes offer pods`)}</path>`,
      `<path class="series" data-series="demand" d="${line("requestedMillis")}" fill="none" stroke="${SERIES_COLOURS.demand}" stroke-width="2" stroke-dasharray="6 3">${title(`${zone}: CPU requested by pods placed or pending there`)}</path>`,
      Number.isFinite(lowest.headroom)
        ? `<circle class="low-point" cx="${px(at(lowest.atMs))}" cy="${px(y(lowest.have))}" r="3.5">${title(
            `${zone}: least headroom ${vcpu(lowest.headroom)} at ${formatDuration((lowest.atMs - startMs) / 1000)} (offered ${vcpu(lowest.have)}, requested ${vcpu(lowest.want)})`,
          )}</circle>`
        : "",
      "</g>",
    );
  });
  const plotBottom = top + zones.length * ROW - 14;
  const axisY = plotBottom + 4;
  const key = legend(
    [
      { label: "allocatable CPU of Ready schedulable nodes", colour: SERIES_COLOURS.capacity },
      { label: "CPU requested by pods", colour: SERIES_COLOURS.demand },
    ],
    LEFT,
    axisY + 44,
    WIDTH - LEFT - RIGHT,
  );
  const height = axisY + 44 + key.height + 4;
  return svgFrame(
    WIDTH,
    height,
    "Capacity against demand per AZ over time",
    [timeGrid(x, top, plotBottom, spanSeconds), rows.join(""), timeAxis(x, axisY, spanSeconds), key.svg].join(""),
  );
}
