/**
 * Which report a run gets, from the steps its recorded events show: a roll (Plan roll), an upgrade
 * (Assess), an event reaction (Look at target), else its steps over time. A workflow with a builder of
 * its own adds a line here.
 */
import type { Report } from "./model";
import { buildReactionReport } from "./reaction-report";
import type { RecordedEvent } from "./recorded-events";
import { buildRollReport } from "./roll-report";
import { buildStepsReport } from "./steps-report";
import { buildUpgradeReport } from "./upgrade-report";

export function buildReportFromEvents(events: RecordedEvent[], where: string, reason?: string): Report {
  const own = new Set(events.filter((e) => e.execution === undefined).map((e) => e.state));
  const extra = reason ? { reason } : {};
  if (own.has("Assess") || own.has("Next phase")) return buildUpgradeReport({ events, where, ...extra });
  if (own.has("Plan roll") || own.has("Advance roll")) {
    return buildRollReport({ events: events.filter((e) => e.execution === undefined), where, ...extra });
  }
  if (own.has("Look at target") || own.has("Finish reaction")) return buildReactionReport({ events, where, ...extra });
  return buildStepsReport({ events, where, title: "Run", ...extra });
}
