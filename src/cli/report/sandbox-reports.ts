/** Reports of sandbox runs: the recorded events, the cluster's capacity and the simulator's observed figures. */
import type { Report } from "../../report/model";
import { buildReactionReport } from "../../report/reaction-report";
import { buildRollReport } from "../../report/roll-report";
import { buildUpgradeReport } from "../../report/upgrade-report";
import type { RollJson } from "../../sandbox/sandbox-roll";
import type { UpgradeJson } from "../../sandbox/sandbox-upgrade";
import type { Scenario } from "../../sandbox/scenario/schema";
import { type RunRecorder, writeReport } from "./write";

const where = (scenario: Scenario) =>
  `Sandbox scenario ${scenario.name ?? "(file)"}${scenario.description ? ` (${scenario.description})` : ""}; times are virtual`;

export function sandboxRollReport(scenario: Scenario, recorder: RunRecorder, result: RollJson): Report {
  const capacity = recorder.capacity;
  return buildRollReport({
    events: recorder.own(),
    where: where(scenario),
    observed: result,
    ...(capacity ? { capacity } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
  });
}

export function sandboxUpgradeReport(scenario: Scenario, recorder: RunRecorder, result: UpgradeJson): Report {
  const capacity = recorder.capacity;
  return buildUpgradeReport({
    events: recorder.events,
    where: where(scenario),
    observed: result,
    ...(capacity ? { capacity } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
  });
}

/**
 * One report per reaction the deliveries started: the first at `path`, the next ones beside it
 * ("r.html", "r-2.html", …). Returns the paths written.
 */
export function writeReactionReports(
  path: string,
  recorder: RunRecorder,
  reactions: { executionName: string }[],
  scenarioName: string,
  observed: { pdbViolations: number; podsLost: number },
): string[] {
  return reactions.map((reaction, i) => {
    const events = recorder.events
      .filter((e) => e.execution === reaction.executionName)
      .map(({ execution: _child, ...event }) => event);
    const file = i === 0 ? path : path.replace(/(\.html?)?$/, `-${i + 1}$1`);
    writeReport(
      file,
      buildReactionReport({
        events,
        where: `Sandbox scenario ${scenarioName}; times are virtual`,
        ...(reactions.length === 1 ? { observed } : {}),
      }),
    );
    return file;
  });
}
