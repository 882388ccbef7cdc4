/**
 * `tug demo` (what `npm start` runs): the small scenario rolled in the sandbox, live, with an HTML report;
 * a Spot interruption handled by the event path; and the plan of a multi-minor cluster upgrade.
 */
import { resolve } from "node:path";
import { Sandbox } from "../../sandbox/sandbox";
import { rollInSandbox } from "../../sandbox/sandbox-roll";
import { upgradeInSandbox } from "../../sandbox/sandbox-upgrade";
import { loadScenario } from "../../sandbox/scenario/load";
import { parseCommand } from "../args";
import type { CliIO } from "../io";
import { RollProgressView } from "../progress";
import { renderResult } from "../render";
import { sandboxRollReport } from "../report/sandbox-reports";
import { RunRecorder, writeReport } from "../report/write";
import { demoSpotInterruption } from "./events-demo";
import { exitCodeFor } from "./roll";
import { renderUpgradePlan } from "./upgrade";

/** The last part: what an upgrade of another cluster would do, planned and preflighted, nothing changed. */
async function demoUpgradePlan(io: CliIO): Promise<number> {
  io.stdout("");
  io.stdout(
    "And a cluster upgrade, planned and preflighted (nothing changed): tug upgrade prod-eu --to 1.33 --sandbox upgrade --dry-run",
  );
  const { result, plan, preflight } = await upgradeInSandbox({
    scenario: loadScenario("upgrade"),
    request: { cluster: "prod-eu", toVersion: "1.33", dryRun: true, requestedBy: "tug demo" },
  });
  for (const line of plan ? renderUpgradePlan(plan, preflight) : [`${result.outcome}: ${result.reason ?? ""}`])
    io.stdout(line);
  io.stdout("  run it: npx tug upgrade prod-eu --to 1.33 --sandbox upgrade");
  return result.outcome === "planned" ? 0 : 1;
}

const USAGE = "tug demo [--scenario <name|file>] [--report <file.html>]";

export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(
    argv,
    { scenario: { type: "string", default: "small" }, report: { type: "string", default: "reports/demo.html" } },
    USAGE,
  );
  const scenario = loadScenario(values.scenario as string);
  const group = scenario.cluster.nodeGroups[0];
  if (!group) throw new Error(`scenario ${values.scenario} has no node group`);
  io.stderr(
    `Tugboat sandbox: cluster ${scenario.cluster.name} (${scenario.cluster.kind} ${scenario.cluster.version}), node group ${group.name}: ${Object.values(group.zones).reduce((a, b) => a + b, 0)} nodes over ${Object.keys(group.zones).length} AZs, ${group.outdated === "all" ? "all" : group.outdated} outdated.`,
  );
  io.stderr(`Rolling it with: tug roll ${scenario.cluster.name} ${group.name} --sandbox ${values.scenario}`);
  const view = new RollProgressView(io);
  const recorder = new RunRecorder(view.onEvent);
  const sandbox = await Sandbox.start(scenario, { onLog: view.onLog });
  recorder.observeCapacity(sandbox);
  const { result } = await rollInSandbox({
    scenario,
    request: { cluster: scenario.cluster.name, nodeGroup: group.name, requestedBy: "tug demo" },
    sandbox,
    run: { onEvent: recorder.onEvent },
  });
  try {
    view.finish();
    io.stdout("");
    for (const line of renderResult(result)) io.stdout(line);
    const report = resolve(values.report as string);
    writeReport(report, sandboxRollReport(scenario, recorder, result));
    io.stdout(`  report: ${report}`);
    if (result.outcome !== "succeeded") return exitCodeFor(result.outcome);
    io.stdout("");
    io.stdout("Now a Spot interruption on one of the new nodes, handled by the event path:");
    const spot = await demoSpotInterruption(sandbox, io);
    if (!spot.ok) return 1;
    return await demoUpgradePlan(io);
  } finally {
    await sandbox.close();
  }
}
