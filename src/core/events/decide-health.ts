/**
 * AWS Health decisions. Only an account-specific scheduled change to named EC2 instances (retirement,
 * reboot or network maintenance, …) calls for a reaction: replace the instances before the change starts.
 * Issues, account notifications and public (region-wide) events are information, not a schedule.
 */
import type { HealthNotificationEvent, HealthScheduledChangeEvent } from "./cluster-event";
import type { EventDecision } from "./decision";
import { formatInstant } from "./time";

type HealthEvent = HealthScheduledChangeEvent | HealthNotificationEvent;

function ignore(event: HealthEvent, why: string): EventDecision {
  return {
    kind: event.kind,
    action: "ignore",
    instanceIds: [...event.instanceIds],
    deadline: null,
    reason: `AWS Health ${event.category} ${event.eventTypeCode}: ${why}`,
  };
}

function listed(values: string[]): string {
  const shown = values.slice(0, 3).join(", ");
  return values.length > 3 ? `${shown} and ${values.length - 3} more` : shown;
}

export function decideHealth(event: HealthEvent, now: Date | null): EventDecision {
  if (event.kind === "health-notification") {
    return ignore(event, "not a scheduled change; Tugboat acts on scheduled retirements and maintenance only");
  }
  if (event.service !== "EC2") return ignore(event, `about the ${event.service} service, not EC2 instances`);
  if (event.scope === "PUBLIC") {
    return ignore(event, "a public event about the service in the region, not about instances of this account");
  }
  if (event.statusCode === "closed") return ignore(event, "the scheduled change is already closed");
  if (event.instanceIds.length === 0) {
    const what = event.otherEntities.length > 0 ? `are not EC2 instances (${listed(event.otherEntities)})` : "are none";
    return ignore(event, `its affected entities ${what}`);
  }
  if (now && event.endTime && event.endTime.getTime() < now.getTime()) {
    return ignore(event, `the change window ended at ${formatInstant(event.endTime)}`);
  }

  const parts = [`AWS Health scheduled change ${event.eventTypeCode}`];
  if (event.startTime) {
    parts.push(`starts at ${formatInstant(event.startTime)}; replace the instances before then`);
    if (now && event.startTime.getTime() < now.getTime()) parts.push("(that start time has already passed)");
  } else {
    parts.push("has no readable start time, so no deadline; replace the instances now");
  }
  let reason = parts.join(" ");
  if (event.otherEntities.length > 0)
    reason += `; entities that are not instances are left alone: ${listed(event.otherEntities)}`;
  const deadline = event.startTime ? new Date(event.startTime.getTime()) : null;
  return { kind: event.kind, action: "replace", instanceIds: [...event.instanceIds], deadline, reason };
}
