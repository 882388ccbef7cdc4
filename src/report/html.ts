/**
 * A report as one self-contained HTML page: inline CSS and SVG, no script, no network. Colours follow the
 * reader's light or dark preference; printing keeps the pictures whole and the text black on white.
 */
import type { FigureGroup, Report, ReportSection, StepRow } from "./model";
import { escapeXml } from "./svg/escape";
import { formatDuration } from "./svg/scale";

const CSS = `
:root{color-scheme:light dark;--fg:#1b1b1b;--muted:#5b5b5b;--bg:#ffffff;--panel:#f4f4f4;--rule:#d0d0d0;--band-a:rgba(0,0,0,.045);--band-b:rgba(0,0,0,0);--alarm:#b33a00;--ok:#00704f}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--muted:#a8a8a8;--bg:#141414;--panel:#202020;--rule:#3a3a3a;--band-a:rgba(255,255,255,.07);--band-b:rgba(255,255,255,0);--alarm:#ff9a5c;--ok:#4fd6a8}}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:var(--fg);background:var(--bg);line-height:1.45}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .4rem;border-bottom:1px solid var(--rule)}h3{font-size:1rem;margin:1rem 0 .3rem}
.context,.caption,.muted{color:var(--muted)}.caption{font-size:.9rem;margin:.2rem 0 .6rem}
.outcome{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-weight:600;border:2px solid currentColor}
.outcome.succeeded,.outcome.planned{color:var(--ok)}.outcome.failed,.outcome.aborted,.outcome.refused{color:var(--alarm)}
.failure{border:2px solid var(--alarm);border-left-width:8px;padding:.6rem 1rem;margin:1rem 0;background:var(--panel)}
.failure h2{border:none;margin:0 0 .3rem;color:var(--alarm)}.failure p{margin:.3rem 0}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(290px,1fr));gap:.8rem}
.figures section{background:var(--panel);padding:.5rem .8rem;border-radius:6px}
.figures h3{margin:.1rem 0 .4rem}.figures dl{margin:0;display:grid;grid-template-columns:minmax(7rem,48%) 1fr;gap:.15rem .8rem}
.figures dt{color:var(--muted)}.figures dd{margin:0;overflow-wrap:anywhere;font-variant-numeric:tabular-nums}.figures dd.alarm{color:var(--alarm);font-weight:600}
.figures .note{display:block;font-size:.8rem;color:var(--muted)}
svg.picture{max-width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow:visible}
svg .axis-label,svg .legend-label{font-size:11px;fill:var(--fg)}svg .legend-label{font-size:12px}
svg .axis-caption{font-size:11px;fill:var(--muted)}svg .zone-label{font-size:13px;font-weight:600;fill:var(--fg)}
svg .axis-line,svg .axis-tick{stroke:var(--muted);stroke-width:1}svg .grid{stroke:var(--rule);stroke-width:.6}
svg .zone-rule{stroke:var(--rule)}svg .batch-band.even{fill:var(--band-a)}svg .batch-band.odd{fill:var(--band-b)}
svg .batch-band.stopped{fill:var(--alarm);fill-opacity:.12}
svg .stop-marker line{stroke:var(--alarm);stroke-width:2;stroke-dasharray:4 3}svg .stop-label{fill:var(--alarm);font-weight:600}
svg .shortfall{fill:#D55E00;fill-opacity:.35}svg .low-point{fill:none;stroke:var(--fg);stroke-width:1.5}
svg .muted{fill:var(--muted)}
table.steps{border-collapse:collapse;width:100%;font-size:.85rem}table.steps td,table.steps th{padding:2px 8px;text-align:left;border-bottom:1px solid var(--rule);vertical-align:top}
table.steps td:first-child{white-space:nowrap;font-variant-numeric:tabular-nums}tr.warn td{color:var(--alarm)}tr.error td{color:var(--alarm);font-weight:600}
details{margin:.8rem 0}summary{cursor:pointer;font-weight:600}
@media print{:root{--fg:#000;--muted:#333;--bg:#fff;--panel:#fff;--rule:#bbb}body{max-width:none;margin:0}details{display:block}details>*{display:block}
svg.picture,.figures section,.failure{break-inside:avoid}h2{break-after:avoid}}
`;

export function renderReportHtml(report: Report): string {
  const failure = report.failure
    ? `<section class="failure" id="failure"><h2>Why it ${report.outcome === "refused" ? "was refused" : "failed"}</h2><p>${escapeXml(report.failure.reason)}</p><p><b>Stopped at</b> ${escapeXml(report.failure.stoppedAt.state)}, ${formatDuration(report.failure.stoppedAt.atSeconds)} after the start${report.sections.some(hasPicture) ? " (marked in the pictures below)" : ""}.</p><p><b>Next step:</b> ${escapeXml(report.failure.nextStep)}</p></section>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeXml(report.title)}: ${escapeXml(report.outcome)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeXml(report.title)} <span class="outcome ${escapeXml(report.outcome)}">${escapeXml(report.outcome)}</span></h1>
<p class="context">${escapeXml(report.context)}</p></header>
${failure}
${report.sections.map(renderSection).join("\n")}
</body></html>
`;
}

function hasPicture(section: ReportSection): boolean {
  return section.kind === "picture" || (section.kind === "group" && section.sections.some(hasPicture));
}

function renderSection(section: ReportSection): string {
  switch (section.kind) {
    case "figures":
      return `<h2>Figures</h2>${renderFigures(section.groups)}`;
    case "picture":
      return `<section class="figure" id="${escapeXml(section.id)}"><h2>${escapeXml(section.title)}</h2><p class="caption">${escapeXml(section.caption)}</p>${section.svg}</section>`;
    case "note":
      return `<section class="note"><h3>${escapeXml(section.title)}</h3>${section.lines.map((l) => `<p class="muted">${escapeXml(l)}</p>`).join("")}</section>`;
    case "steps":
      return `<details class="steps"><summary>${escapeXml(section.title)}</summary>${renderSteps(section.rows)}</details>`;
    case "group":
      return `<details class="group" id="${escapeXml(section.id)}"${section.open ? " open" : ""}><summary>${escapeXml(section.title)}</summary>${section.sections.map(renderSection).join("\n")}</details>`;
  }
}

function renderFigures(groups: FigureGroup[]): string {
  return `<div class="figures">${groups
    .filter((g) => g.figures.length > 0)
    .map(
      (g) =>
        `<section data-group="${escapeXml(g.name)}"><h3>${escapeXml(g.name)}</h3><dl>${g.figures
          .map(
            (f) =>
              `<dt>${escapeXml(f.label)}</dt><dd${f.alarm ? ' class="alarm"' : ""}>${escapeXml(f.value)}${f.note ? `<span class="note">${escapeXml(f.note)}</span>` : ""}</dd>`,
          )
          .join("")}</dl></section>`,
    )
    .join("")}</div>`;
}

function renderSteps(rows: StepRow[]): string {
  return `<table class="steps"><tr><th>at</th><th>step</th><th>what happened</th></tr>${rows
    .map(
      (r) =>
        `<tr class="${r.level}"><td>${formatDuration(r.atSeconds)}</td><td>${escapeXml(r.state)}</td><td>${escapeXml(r.text)}</td></tr>`,
    )
    .join("")}</table>`;
}
