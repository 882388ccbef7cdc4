/**
 * The report any workflow gets before it has a builder of its own: how it ended, its steps over time
 * and the step log, from its recorded events.
 */
import type { Report } from "./model";
import { nextStepFor } from "./next-step";
import type { RecordedEvent } from "./recorded-events";
import { stepRows } from "./step-log";
import { stepSpans } from "./step-spans";
import { formatDuration } from "./svg/scale";
import { renderStepGantt } from "./svg/step-gantt";

export function buildStepsReport(input: {
  events: RecordedEvent[];
  where: string;
  title: string;
  reason?: string;
}): Report {
  const events = input.events.filter((e) => e.execution === undefined);
  const startMs = events[0]?.atMs ?? 0;
  const endMs = events[events.length - 1]?.atMs ?? startMs;
  const failed = events.find((e) => e.kind === "failed" || e.kind === "caught");
  const outcome = failed ? "failed" : "succeeded";
  const stop = failed ? { state: failed.state, atMs: failed.atMs } : undefined;
  return {
    kind: "steps",
    title: input.title,
    outcome,
    context: `${input.where}; started ${new Date(startMs).toISOString()}, ${formatDuration((endMs - startMs) / 1000)} long.`,
    ...(failed
      ? {
          failure: {
            reason: input.reason ?? `${failed.error ?? "error"}${failed.cause ? `: ${failed.cause}` : ""}`,
            stoppedAt: { state: failed.state, atSeconds: (failed.atMs - startMs) / 1000 },
            nextStep: nextStepFor(failed.error, input.reason ?? failed.cause),
          },
        }
      : {}),
    sections: [
      {
        kind: "figures",
        groups: [
          { name: "Outcome", figures: [{ label: "Outcome", value: outcome, alarm: outcome !== "succeeded" }] },
          { name: "Time", figures: [{ label: "Took", value: formatDuration((endMs - startMs) / 1000) }] },
          {
            name: "API use",
            figures: [{ label: "Steps run", value: String(events.filter((e) => e.kind === "entered").length) }],
          },
        ],
      },
      {
        kind: "picture",
        id: "steps-over-time",
        title: "Steps over time",
        caption: "Each step the run took, in the order first run; failed steps in red.",
        svg: renderStepGantt(stepSpans(events), startMs, endMs, [], stop),
      },
      { kind: "steps", title: "Every step, in order", rows: stepRows(events, startMs) },
    ],
  };
}
