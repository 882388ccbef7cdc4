#!/usr/bin/env node
// Screenshots of the reports for the README and docs: rolls the built-in "small" scenario (and the same
// with a PodDisruptionBudget that never clears, for a failed roll), upgrades the built-in "upgrade"
// scenario, writes each report with `tug … --report`, and photographs it in Debian's Chromium.
//   node scripts/screenshots.mjs   → docs/images/{roll,roll-failed,upgrade}-report.png (and the roll's in dark mode)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..");
const out = join(root, "docs/images");
const work = mkdtempSync(join(tmpdir(), "tugboat-screenshots-"));
const browserPath = process.env.TUGBOAT_CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(browserPath)) {
  console.error(`Chromium not found at ${browserPath}: apt-get install -y chromium, or set TUGBOAT_CHROMIUM`);
  process.exit(1);
}

function tug(args) {
  const run = spawnSync(process.execPath, [join(root, "bin/tug.mjs"), ...args], { cwd: root, encoding: "utf8" });
  if (run.status === null || run.status === 2) throw new Error(`tug ${args.join(" ")}: ${run.stderr}`);
}

// The failed roll: the small scenario with a budget that never lets web's pods go.
const failing = JSON.parse(readFileSync(join(root, "src/sandbox/scenario/builtin/small.json"), "utf8"));
failing.name = "small-pdb-blocked";
failing.description = "The small scenario with web's PodDisruptionBudget never clearing";
failing.faults = [{ kind: "pdb-blocked", workload: "web", namespace: "default" }];
writeFileSync(join(work, "small-pdb-blocked.json"), JSON.stringify(failing));

const reports = [
  { name: "roll-report", args: ["roll", "demo", "workers", "--sandbox", "small"], dark: true },
  {
    name: "roll-failed-report",
    args: ["roll", "demo", "workers", "--sandbox", join(work, "small-pdb-blocked.json"), "--drain-timeout", "180"],
  },
  { name: "upgrade-report", args: ["upgrade", "prod-eu", "--to", "1.33", "--sandbox", "upgrade"] },
];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const report of reports) {
    const html = join(work, `${report.name}.html`);
    tug([...report.args, "--report", html]);
    for (const scheme of report.dark ? ["light", "dark"] : ["light"]) {
      const page = await browser.newPage({
        viewport: { width: 1100, height: 900 },
        colorScheme: scheme,
        deviceScaleFactor: 1,
      });
      await page.goto(`file://${html}`);
      const png = join(out, `${report.name}${scheme === "dark" ? "-dark" : ""}.png`);
      await page.screenshot({ path: png, fullPage: true });
      await page.close();
      console.log(png);
    }
  }
} finally {
  await browser.close();
}
