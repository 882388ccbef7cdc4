/**
 * One line a person can read, e.g.
 * "drain i-123 before 2021-06-05T10:02:00Z: Spot interruption warning (terminate) gives two minutes".
 */
import type { EventAction, EventDecision } from "./decision";
import { formatInstant } from "./time";

function instances(ids: string[]): string {
  if (ids.length === 0) return "";
  return ids.join(", ");
}

const PHRASES: Record<EventAction, (ids: string) => string> = {
  drain: (ids) => `drain ${ids || "the instance"}`,
  replace: (ids) => `replace ${ids || "the instances"}`,
  "drain-and-complete-lifecycle": (ids) => `drain ${ids || "the instance"} and complete its lifecycle action`,
  "await-ready-and-complete-lifecycle": (ids) =>
    `wait for ${ids || "the instance"} to be a Ready node and complete its lifecycle action`,
  "complete-lifecycle": (ids) => `complete the lifecycle action of ${ids || "the instance"}`,
  cleanup: (ids) => `clean up after ${ids || "the instance"}`,
  ignore: (ids) => (ids ? `ignore event for ${ids}` : "ignore event"),
};

export function describeDecision(decision: EventDecision): string {
  const phrase = PHRASES[decision.action](instances(decision.instanceIds));
  const deadline = decision.deadline ? ` before ${formatInstant(decision.deadline)}` : "";
  return `${phrase}${deadline}: ${decision.reason}`;
}

/** The decision as the `--json` line and logs carry it: dates as ISO 8601 strings. */
export function decisionSummary(decision: EventDecision): {
  kind: EventDecision["kind"];
  action: EventAction;
  instanceIds: string[];
  deadline: string | null;
  reason: string;
} {
  return {
    kind: decision.kind,
    action: decision.action,
    instanceIds: [...decision.instanceIds],
    deadline: decision.deadline ? formatInstant(decision.deadline) : null,
    reason: decision.reason,
  };
}
