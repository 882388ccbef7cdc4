#!/usr/bin/env node
// Runs vitest and ends with the plain "N passed, N failed" line that CI recognises.
//
//   node scripts/run-tests.mjs [vitest args]            # vitest only (npm test runs the checks first)
//   node scripts/run-tests.mjs --checks [vitest args]   # typecheck and lint alongside vitest
//
// With --checks, tsc (one thread) and biome run while vitest's two workers start and fill the cores
// a worker leaves idle; their output is printed when vitest is done, and any failure fails the run.
// The slowest test files (tests and hooks) are listed before the summary, to keep the files
// balanced across the workers.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const withChecks = args.includes("--checks");
const vitestArgs = args.filter((arg) => arg !== "--checks");
const dir = mkdtempSync(join(tmpdir(), "tugboat-vitest-"));
const out = join(dir, "report.json");
const durations = join(dir, "file-durations.json");

/** Runs a command; resolves with its exit status, its output and how long it took. */
function run(command, commandArgs, { inherit = false, env = process.env } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (status) => resolve({ status, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const checks = withChecks
  ? [
      ["typecheck", run(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json"])],
      ["lint", run(process.execPath, ["node_modules/@biomejs/biome/bin/biome", "check", "."])],
    ]
  : [];

const vitest = await run(
  process.execPath,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--reporter=default",
    "--reporter=json",
    "--reporter=./scripts/file-durations-reporter.mjs",
    `--outputFile.json=${out}`,
    ...vitestArgs,
  ],
  { inherit: true, env: { ...process.env, TUGBOAT_FILE_DURATIONS: durations } },
);

let checksFailed = 0;
for (const [name, pending] of checks) {
  const { status, output, seconds } = await pending;
  if (status !== 0) checksFailed++;
  console.log(`\n${name}: ${status === 0 ? "passed" : `FAILED (exit ${status})`} in ${seconds.toFixed(1)} s`);
  if (status !== 0) console.log(output);
}

try {
  const slowest = JSON.parse(readFileSync(durations, "utf8")).slice(0, 10);
  console.log("\nslowest test files (tests and hooks, wall seconds):");
  for (const { file, seconds } of slowest) console.log(`  ${seconds.toFixed(1).padStart(7)}  ${file}`);
} catch {
  // No durations: vitest ended before its reporters did; the summary below still stands.
}
console.log(`vitest: ${vitest.seconds.toFixed(1)} s`);

let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(out, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 && checksFailed === 0 ? 0 : 1);
