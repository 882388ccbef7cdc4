/**
 * The report of an event reaction (react-to-instance-event): what the event asked for and how it ended,
 * figures in words, its steps over time with the node's cordon and drain marked, and the step log.
 */
import type { Report, ReportSection } from "./model";
import { nextStepFor } from "./next-step";
import type { RecordedEvent } from "./recorded-events";
import { stepRows } from "./step-log";
import { stepSpans } from "./step-spans";
import { formatDuration } from "./svg/scale";
import { type Milestone, renderStepGantt } from "./svg/step-gantt";

export interface ReactionReportInput {
  events: RecordedEvent[];
  where: string;
  /** Observed by the cluster during the reaction (the sandbox). */
  observed?: { pdbViolations: number; podsLost: number };
  reason?: string;
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec | undefined => (v && typeof v === "object" ? (v as Rec) : undefined);

export function buildReactionReport(input: ReactionReportInput): Report {
  const events = input.events.filter((e) => e.execution === undefined);
  const startMs = events[0]?.atMs ?? 0;
  const endMs = events[events.length - 1]?.atMs ?? startMs;
  let summary: Rec | undefined;
  let request: Rec | undefined;
  let cordonedAt: string | undefined;
  let drainedAt: string | undefined;
  for (const e of events) {
    const out = obj(e.output);
    request ??= obj(out?.request);
    const progress = obj(out?.reaction);
    if (typeof progress?.cordonedAt === "string") cordonedAt = progress.cordonedAt;
    if (typeof progress?.drainedAt === "string") drainedAt = progress.drainedAt;
    if (e.state === "Finish reaction" && obj(out?.finish)) summary = obj(out?.finish);
  }
  const outcome = String(summary?.outcome ?? "failed");
  const failedStep = events.find((e) => e.kind === "caught" || e.kind === "failed");
  const lastEntered = [...events].reverse().find((e) => e.kind === "entered");
  const succeeded = !failedStep && summary !== undefined && !/fail/i.test(outcome);
  const stop = succeeded
    ? undefined
    : {
        state: failedStep?.state ?? lastEntered?.state ?? "(no step ran)",
        atMs: failedStep?.atMs ?? lastEntered?.atMs ?? startMs,
      };
  const reason = String(summary?.reason ?? input.reason ?? failedStep?.cause ?? "");
  const milestones: Milestone[] = [];
  if (cordonedAt) milestones.push({ label: "node cordoned", atMs: Date.parse(cordonedAt) });
  if (drainedAt) milestones.push({ label: "node drained", atMs: Date.parse(drainedAt) });
  const node = String(summary?.nodeName ?? request?.nodeName ?? "?");
  const instance = String(summary?.instanceId ?? request?.instanceId ?? "?");
  const action = String(summary?.action ?? request?.action ?? "?");
  const sections: ReportSection[] = [
    {
      kind: "figures",
      groups: [
        {
          name: "Outcome",
          figures: [
            { label: "Outcome", value: outcome, alarm: !succeeded },
            { label: "Action", value: action },
            { label: "Node", value: `${node} (${instance})` },
            ...(summary?.lifecycleCompleted
              ? [{ label: "Lifecycle action", value: String(summary.lifecycleCompleted) }]
              : []),
          ],
        },
        {
          name: "Time",
          figures: [
            { label: "Took", value: formatDuration((endMs - startMs) / 1000) },
            ...(cordonedAt
              ? [{ label: "Cordoned after", value: formatDuration((Date.parse(cordonedAt) - startMs) / 1000) }]
              : []),
            ...(drainedAt
              ? [{ label: "Drained after", value: formatDuration((Date.parse(drainedAt) - startMs) / 1000) }]
              : []),
          ],
        },
        {
          name: "Safety",
          figures: [
            { label: "Pods evicted", value: String(summary?.podsEvicted ?? 0) },
            ...(input.observed
              ? [
                  {
                    label: "PDB violations",
                    value: String(input.observed.pdbViolations),
                    alarm: input.observed.pdbViolations > 0,
                  },
                  { label: "Pods lost", value: String(input.observed.podsLost), alarm: input.observed.podsLost > 0 },
                ]
              : []),
          ],
        },
        { name: "Cost", figures: [] },
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
      caption: "Each step the reaction ran, with when the node was cordoned and drained.",
      svg: renderStepGantt(stepSpans(events), startMs, endMs, milestones, stop),
    },
  ];
  const notes = (summary?.notes as string[] | undefined) ?? [];
  if (notes.length > 0) sections.push({ kind: "note", title: "Notes", lines: notes });
  sections.push({ kind: "steps", title: "Every step, in order", rows: stepRows(events, startMs) });
  return {
    kind: "reaction",
    title: `Reaction to ${action} on ${node}`,
    outcome,
    context: `${input.where}; started ${new Date(startMs).toISOString()}, ${formatDuration((endMs - startMs) / 1000)} long.`,
    ...(stop
      ? {
          failure: {
            reason: reason || "the reaction ended without a summary",
            stoppedAt: { state: stop.state, atSeconds: (stop.atMs - startMs) / 1000 },
            nextStep: nextStepFor(failedStep?.error, reason),
          },
        }
      : {}),
    sections,
  };
}
