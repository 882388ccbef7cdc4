/**
 * `npm run bench`: every strategy on every benchmark scenario, each in a fresh sandbox on the same
 * virtual clock, printed side by side; then Tugboat's scale run on 5,000 nodes.
 *
 *   npm run bench                         tables
 *   npm run bench -- --json               one JSON object on the last line of stdout
 *   npm run bench -- --scenario small --strategy one-by-one --no-scale
 */
import { parseArgs } from "node:util";
import { loadScenario } from "../src/sandbox/scenario/load";
import type { Scenario } from "../src/sandbox/scenario/schema";
import { type BenchReport, type ScenarioReport, scaleTable, scenarioTable } from "./report";
import { runStrategy, scenarioNodeCount } from "./run-strategy";
import { runScale } from "./scale";
import { VARIANTS } from "./strategies/budget";
import { STRATEGIES, STRATEGY_NAMES, type StrategyName } from "./strategies/index";
import { timingMode } from "./timing-mode";
import { runUpgrades, upgradeTable } from "./upgrade";
import { scenarioVerdict } from "./verdict";

export const DEFAULT_SCENARIOS = ["small", "stateful", "large"];

const USAGE =
  "usage: npm run bench -- [--json] [--scenario <name or file>]… [--strategy <name>]… [--no-scale] [--no-upgrade]\n" +
  `strategies: ${STRATEGY_NAMES.join(", ")}; scenarios: ${DEFAULT_SCENARIOS.join(", ")} by default (any built-in or a JSON file)`;

export interface BenchOptions {
  json: boolean;
  scenarios: string[];
  strategies: StrategyName[];
  scale: boolean;
  upgrades: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "BenchUsageError";
  }
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: {
    json?: boolean;
    scenario?: string[];
    strategy?: string[];
    "no-scale"?: boolean;
    "no-upgrade"?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean" },
        scenario: { type: "string", multiple: true },
        strategy: { type: "string", multiple: true },
        "no-scale": { type: "boolean" },
        "no-upgrade": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new BenchUsageError((err as Error).message.replace(/\. To specify.*$/s, ""));
  }
  if (values.help) throw new BenchUsageError("npm run bench: compare node-rolling strategies in the sandbox");
  const strategies = (values.strategy ?? [...STRATEGY_NAMES]).map((name) => {
    if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
      throw new BenchUsageError(`--strategy: unknown strategy "${name}"`);
    }
    return name as StrategyName;
  });
  return {
    json: values.json ?? false,
    scenarios: values.scenario ?? DEFAULT_SCENARIOS,
    strategies,
    // The scale run is Tugboat's: filtering Tugboat out skips it too.
    scale: !values["no-scale"] && strategies.includes("tugboat"),
    upgrades: !values["no-upgrade"] && strategies.includes("tugboat"),
  };
}

export async function runBench(
  options: BenchOptions,
  progress: (line: string) => void = () => {},
): Promise<BenchReport> {
  const scenarios: Scenario[] = options.scenarios.map((name) => loadScenario(name));
  const report: BenchReport = { scenarios: [], scale: null, upgrades: null };
  for (const scenario of scenarios) {
    const entry: ScenarioReport = {
      name: scenario.name ?? "(unnamed)",
      nodes: scenarioNodeCount(scenario),
      timingMode: timingMode(scenario),
      strategies: [],
      verdict: null,
    };
    for (const name of options.strategies) {
      const strategy = STRATEGIES[name];
      // Every peer runs twice: as documented, and held to Tugboat's disruption budget.
      for (const variant of strategy.hasEqualBudgetVariant ? VARIANTS : VARIANTS.slice(0, 1)) {
        progress(`${entry.name}: ${name} (${variant})…`);
        entry.strategies.push(await runStrategy(scenario, strategy, { variant }));
      }
    }
    entry.verdict = scenarioVerdict(entry.strategies);
    report.scenarios.push(entry);
    if (!options.json) progress(`\n${scenarioTable(entry)}\n`);
  }
  if (options.upgrades) {
    progress("upgrades: upgrade-cluster on the upgrade scenarios…");
    report.upgrades = await runUpgrades();
    if (!options.json) progress(`\n${upgradeTable(report.upgrades)}\n`);
  }
  if (options.scale) {
    progress("scale: tugboat on huge (5,000 nodes)…");
    report.scale = await runScale();
    if (!options.json) progress(`\n${scaleTable(report.scale)}\n`);
  }
  return report;
}

export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  // Tables go to stdout as they are ready; with --json, progress goes to stderr and stdout holds the JSON alone.
  const progress = options.json
    ? (line: string) => process.stderr.write(`${line}\n`)
    : (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report = await runBench(options, progress);
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
