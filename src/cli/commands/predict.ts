/**
 * `tug predict roll <cluster> <nodegroup> --sandbox <scenario> [--runs N] [--json] [roll options]` and
 * `tug predict upgrade <cluster> --to 1.N --sandbox <scenario> [--runs N] [--json] [upgrade options]` and
 * `tug predict rebalance <cluster> --sandbox <scenario> [--runs N] [--json] [rebalance options]`:
 * the real workflow run N times (default 10) on the scenario (a captured twin, or any other), each with
 * its own seed, and the spread of what the simulator observed. With --json the last line is the
 * prediction as JSON. The runs are spread over the machine's cores, one process each.
 */

import { type Prediction, predict } from "../../sandbox/predict";
import { loadScenarioOf } from "../args";
import type { CliIO } from "../io";
import { UsageError } from "../io";
import { rebalanceRequestFrom } from "./rebalance-request";
import { rollRequestFrom } from "./roll-request";
import { upgradeRequestFrom } from "./upgrade-request";

const USAGE =
  "tug predict roll <cluster> <nodegroup> --sandbox <scenario> [--runs N] [--json] | tug predict upgrade <cluster> --to 1.N --sandbox <scenario> [--runs N] [--json] | tug predict rebalance <cluster> --sandbox <scenario> [--runs N] [--json]";
const DEFAULT_RUNS = 10;

/** Takes `--runs N` out of argv (the rest goes to the roll or upgrade parser). */
function takeRuns(argv: string[]): { runs: number; rest: string[] } {
  const rest: string[] = [];
  let runs = DEFAULT_RUNS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const inline = /^--runs=(.*)$/.exec(arg);
    if (arg !== "--runs" && !inline) {
      rest.push(arg);
      continue;
    }
    const value = inline ? inline[1] : argv[++i];
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new UsageError(`--runs: expected a whole number ≥ 1, got "${value ?? ""}"`);
    runs = parsed;
  }
  return { runs, rest };
}

function render(prediction: Prediction): string[] {
  const lines = [
    `${prediction.runs} runs: ${Object.entries(prediction.outcomes)
      .map(([outcome, count]) => `${count} ${outcome}`)
      .join(", ")}`,
    `makespan p50 ${prediction.makespanSeconds.p50} s, p90 ${prediction.makespanSeconds.p90} s`,
    `worst AZ capacity ratio ${prediction.minCapacityRatio ?? "n/a"}`,
    `refused by PDBs p50 ${prediction.pdbBlockedSeconds.p50} s, p90 ${prediction.pdbBlockedSeconds.p90} s`,
  ];
  const stall = prediction.stalls[0];
  if (stall) {
    lines.push(
      `most likely stall: "${stall.state}" #${stall.occurrence} (longest round in ${stall.runs} of ${prediction.runs} runs, p50 ${stall.p50Seconds} s): ${stall.why}`,
    );
  }
  return lines;
}

export async function predictCommand(argv: string[], io: CliIO): Promise<number> {
  const [workflow, ...args] = argv;
  const { runs, rest } = takeRuns(args);
  let prediction: Prediction;
  let asJson: boolean;
  if (workflow === "roll") {
    const { request, values } = rollRequestFrom(rest);
    if (!values.sandbox)
      throw new UsageError(`--sandbox <scenario> is required: a prediction runs on a twin\nusage: ${USAGE}`);
    asJson = values.json ?? false;
    prediction = await predict(loadScenarioOf(values.sandbox, request.cluster), { workflow: "roll", request }, runs);
  } else if (workflow === "upgrade") {
    const { request, values } = upgradeRequestFrom(rest);
    if (!values.sandbox)
      throw new UsageError(`--sandbox <scenario> is required: a prediction runs on a twin\nusage: ${USAGE}`);
    asJson = values.json ?? false;
    prediction = await predict(loadScenarioOf(values.sandbox, request.cluster), { workflow: "upgrade", request }, runs);
  } else if (workflow === "rebalance") {
    const { request, values } = rebalanceRequestFrom(rest);
    if (!values.sandbox)
      throw new UsageError(`--sandbox <scenario> is required: a prediction runs on a twin\nusage: ${USAGE}`);
    asJson = values.json ?? false;
    prediction = await predict(
      loadScenarioOf(values.sandbox, request.cluster),
      { workflow: "rebalance", request },
      runs,
    );
  } else {
    throw new UsageError(
      `unknown predict workflow "${workflow ?? ""}": expected "roll", "upgrade" or "rebalance"\nusage: ${USAGE}`,
    );
  }
  for (const line of render(prediction)) (asJson ? io.stderr : io.stdout)(line);
  if (asJson) {
    const { outcomes: _outcomes, ...last } = prediction;
    io.stdout(JSON.stringify(last));
  }
  return 0;
}
