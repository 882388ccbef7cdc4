/** The outer <svg> of every picture: sized by its viewBox (it scales with the page), labelled for readers. */
import { escapeXml } from "./escape";
import { textWidth } from "./scale";

export function svgFrame(width: number, height: number, label: string, body: string): string {
  return `<svg class="picture" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(label)}">${body}</svg>`;
}

export interface LegendItem {
  label: string;
  colour: string;
  /** Drawn hatched (a prediction) instead of filled. */
  hatched?: boolean;
}

export const LEGEND_FONT = 12;

/**
 * A legend laid out left to right, wrapping when a line is full; returns its markup and height so the
 * picture can make room for it.
 */
export function legend(items: LegendItem[], x: number, y: number, width: number): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  for (const item of items) {
    const w = 18 + textWidth(item.label, LEGEND_FONT) + 18;
    if (cx + w > x + width && cx > x) {
      cx = x;
      cy += 20;
    }
    const fill = item.hatched ? "url(#hatch)" : item.colour;
    parts.push(
      `<rect class="legend-swatch" x="${cx}" y="${cy}" width="12" height="12" fill="${fill}" stroke="${item.colour}"/>`,
      `<text class="legend-label" x="${cx + 17}" y="${cy + 10.5}">${escapeXml(item.label)}</text>`,
    );
    cx += w;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: cy - y + 20 };
}

/** A diagonal hatch for predicted bars (grey lines, so it reads in greyscale and in dark mode). */
export const HATCH_DEFS = `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="none"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999999" stroke-width="3"/></pattern></defs>`;
