/** The HTML report of a sandbox roll: result figures, the per-AZ timeline and the decision log. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LogLine } from "../../sandbox/sandbox";
import type { RollJson } from "../../sandbox/sandbox-roll";
import type { Scenario } from "../../sandbox/scenario/schema";
import type { TimelineSample } from "../../sandbox/timeline";
import { clockOffset } from "../format";
import { renderResult } from "../render";
import { renderTimeline } from "./svg-timeline";

export interface ReportInput {
  scenario: Scenario;
  result: RollJson;
  timeline: TimelineSample[];
  logLines: LogLine[];
  startedAtMs: number;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderHtmlReport(input: ReportInput): string {
  const { scenario, result, timeline, logLines, startedAtMs } = input;
  const endMs = startedAtMs + result.makespanSeconds * 1000;
  const figures = Object.entries(result)
    .filter(([, v]) => typeof v === "number" || typeof v === "string")
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join("");
  const log = logLines
    .filter((line) => line.atMs >= startedAtMs)
    .slice(0, 2000)
    .map(
      (line) =>
        `<tr class="${line.level}"><td>${clockOffset(line.atMs - startedAtMs)}</td><td>${line.level}</td><td>${escapeHtml(line.message)}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tugboat roll: ${escapeHtml(result.cluster)}/${escapeHtml(result.nodeGroup)}</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:960px}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}
tr.warn td{color:#b35c00}tr.error td{color:#b00}pre{background:#f6f6f6;padding:1rem}</style></head>
<body><h1>Roll of ${escapeHtml(result.cluster)}/${escapeHtml(result.nodeGroup)}: ${escapeHtml(result.outcome)}</h1>
<p>Scenario <b>${escapeHtml(scenario.name ?? "")}</b>${scenario.description ? `: ${escapeHtml(scenario.description)}` : ""}. Times are virtual (sandbox).</p>
<pre>${escapeHtml(renderResult(result).join("\n"))}</pre>
<h2>Nodes per AZ over time</h2>${renderTimeline(timeline, endMs)}
<h2>Figures</h2><table>${figures}</table>
<h2>Decisions and actions</h2><table><tr><th>time</th><th>level</th><th>message</th></tr>${log}</table>
</body></html>`;
}

export function writeHtmlReport(path: string, input: ReportInput): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtmlReport(input));
}
