/** Reports of sandbox runs: the recorded events, the cluster's capacity and the simulator's observed figures. */
import type { Report } from "../../report/model";
import { buildRollReport } from "../../report/roll-report";
import { buildUpgradeReport } from "../../report/upgrade-report";
import type { RollJson } from "../../sandbox/sandbox-roll";
import type { UpgradeJson } from "../../sandbox/sandbox-upgrade";
import type { Scenario } from "../../sandbox/scenario/schema";
import type { RunRecorder } from "./write";

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
