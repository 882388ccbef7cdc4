/**
 * A roll's figures in words, grouped (outcome, time, safety, cost, API use). Counts Tugboat keeps come
 * from the run's summary; figures only the cluster can tell (PDB violations, pods lost, capacity, API
 * calls) come from observations when the run had an observer (the sandbox's simulator), and are said to
 * be missing otherwise.
 */
import type { FigureGroup } from "./model";
import type { RollRun } from "./roll-run";
import { formatDuration } from "./svg/scale";

/** What an observer of the cluster recorded (src/sandbox/sandbox-roll.ts's RollJson has these fields). */
export interface RollObservations {
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  nodesReplaced: number;
  launchWaves: number;
  makespanSeconds: number;
  lowerBoundSeconds: number;
  maxExtraNodes: number;
  extraInstanceSeconds: number;
  minCapacityRatio: { az: number | null; cluster: number | null };
  pdbDeficitPodSeconds: number;
  podsEvicted: number;
  evictionsRefusedByPdb: number;
  pdbViolations: number;
  podsLost: number;
  podUnavailableSeconds: number;
  apiCalls: { aws: number; kubernetes: number };
  stateTransitions: number;
  historyEvents: number;
  maxStatePayloadBytes: number;
  longestStepSeconds: number;
  figureDisagreements: string[];
}

const count = (n: number | undefined, unit: string, plural = `${unit}s`) =>
  n === undefined ? "not recorded" : `${n.toLocaleString("en-US")} ${n === 1 ? unit : plural}`;

export function rollFigures(run: RollRun, observed?: RollObservations): FigureGroup[] {
  const summary = run.summary;
  const tookSeconds = observed?.makespanSeconds ?? (run.endMs - run.startMs) / 1000;
  const predicted = run.plan?.predictedSeconds;
  const outcome: FigureGroup = {
    name: "Outcome",
    figures: [
      { label: "Outcome", value: summary?.outcome ?? "did not finish", alarm: summary?.outcome !== "succeeded" },
      {
        label: "Nodes replaced",
        value: `${observed?.nodesReplaced ?? summary?.nodesReplaced ?? "?"} of ${observed?.nodesOutdatedBefore ?? summary?.nodesOutdatedBefore ?? run.plan?.outdated ?? "?"} outdated`,
      },
      {
        label: "Still outdated",
        value: count(observed?.nodesOutdatedAfter ?? summary?.nodesOutdatedAfter, "node"),
        alarm: (observed?.nodesOutdatedAfter ?? summary?.nodesOutdatedAfter ?? 0) > 0,
      },
      {
        label: "Waves",
        value: `${run.waves.length} cordoned (${run.plan?.batchesPlanned ?? "?"} batches of the surge planned)`,
      },
      ...(run.plan
        ? [{ label: "Group", value: `${run.plan.groupSize} nodes, surge ${run.plan.surge} in flight` }]
        : []),
    ],
  };
  if (observed && observed.figureDisagreements.length > 0) {
    outcome.figures.push({
      label: "Summary against the cluster",
      value: observed.figureDisagreements.join("; "),
      alarm: true,
    });
  }
  const time: FigureGroup = {
    name: "Time",
    figures: [
      { label: "Took", value: formatDuration(tookSeconds) },
      ...(predicted !== undefined
        ? [
            {
              label: "Predicted",
              value: `${formatDuration(predicted)} (${Math.round((tookSeconds / Math.max(1, predicted)) * 100)} % of it taken)`,
              note: run.plan?.estimateSource ? `from ${run.plan.estimateSource}` : undefined,
              alarm: tookSeconds > predicted * 1.5,
            },
          ]
        : []),
      ...(observed && observed.lowerBoundSeconds > 0
        ? [
            {
              label: "Lower bound",
              value: formatDuration(observed.lowerBoundSeconds),
              note: "no safe roll of this group could be faster",
            },
          ]
        : []),
      ...(observed ? [{ label: "Longest single step", value: `${observed.longestStepSeconds} s` }] : []),
    ].map(dropUndefinedNote),
  };
  const safety: FigureGroup = {
    name: "Safety",
    figures: observed
      ? [
          {
            label: "PDB violations",
            value: count(observed.pdbViolations, "eviction"),
            alarm: observed.pdbViolations > 0,
          },
          { label: "Pods lost", value: count(observed.podsLost, "pod"), alarm: observed.podsLost > 0 },
          { label: "Pods evicted", value: count(observed.podsEvicted, "pod") },
          {
            label: "Evictions refused by a PDB",
            value: count(observed.evictionsRefusedByPdb, "time"),
            note: "a refusal is a wait, not an error",
          },
          {
            label: "Least capacity in an AZ",
            value:
              observed.minCapacityRatio.az === null
                ? "no demand"
                : `${Math.round(observed.minCapacityRatio.az * 100)} % of what the pods request`,
            alarm: (observed.minCapacityRatio.az ?? 2) < 1,
          },
          { label: "Pod-seconds below a PDB's desired healthy", value: `${observed.pdbDeficitPodSeconds} pod-s` },
          { label: "Replica unavailability", value: `${observed.podUnavailableSeconds} pod-s` },
        ]
      : [
          { label: "Pods evicted", value: count(summary?.podsEvicted, "pod") },
          { label: "Evictions refused by a PDB", value: count(summary?.evictionsRefusedByPdb, "time") },
          {
            label: "Pods deleted by force",
            value: count(summary?.forcedDeletions, "pod"),
            alarm: (summary?.forcedDeletions ?? 0) > 0,
          },
          { label: "PDB violations, pods lost", value: "observed only in the sandbox" },
        ],
  };
  const cost: FigureGroup = {
    name: "Cost",
    figures: observed
      ? [
          { label: "Extra nodes at most", value: count(observed.maxExtraNodes, "node") },
          {
            label: "Extra instance time",
            value: `${(observed.extraInstanceSeconds / 3600).toFixed(2)} instance-hours`,
            note: "instances above the group's size at the start, integrated over the roll",
          },
        ]
      : [{ label: "Extra nodes at most", value: count(run.plan?.surge, "node"), note: "the surge the plan allowed" }],
  };
  const api: FigureGroup = {
    name: "API use",
    figures: observed
      ? [
          { label: "AWS calls", value: observed.apiCalls.aws.toLocaleString("en-US") },
          { label: "Kubernetes calls", value: observed.apiCalls.kubernetes.toLocaleString("en-US") },
          { label: "State transitions", value: observed.stateTransitions.toLocaleString("en-US") },
          { label: "History events", value: `${observed.historyEvents.toLocaleString("en-US")} of 25,000 allowed` },
          {
            label: "Largest state payload",
            value: `${(observed.maxStatePayloadBytes / 1024).toFixed(1)} KB of 256 KB`,
          },
        ]
      : [{ label: "Drain attempts", value: String(run.waves.reduce((n, b) => n + b.drainAttempts, 0)) }],
  };
  return [outcome, time, safety, cost, api];
}

function dropUndefinedNote<T extends { note?: string | undefined }>(figure: T): T {
  if (figure.note === undefined) delete figure.note;
  return figure;
}
