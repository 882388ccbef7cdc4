/**
 * An upgrade as its recorded events tell it: the planned phases with their predictions (Assess), when
 * each phase started (Next phase) and was observed done (Observe phase), the kubelet skew observed after
 * each, and the child roll executions with the node group each rolled.
 */
import { childExecutions, eventsOf, type RecordedEvent } from "./recorded-events";

export interface UpgradePhaseRun {
  index: number;
  kind: string;
  toVersion: string;
  label: string;
  predictedSeconds?: number;
  startMs?: number;
  endMs?: number;
  /** API server minor − oldest kubelet minor, as observed after the phase. */
  skewAfter?: number;
  controlPlaneAfter?: string;
  oldestKubeletAfter?: string;
  failed?: boolean;
}

export interface ChildRoll {
  execution: string;
  nodeGroup: string;
  startMs: number;
  endMs: number;
  outcome?: string;
  events: RecordedEvent[];
}

export interface UpgradeRun {
  cluster: string;
  fromVersion?: string;
  toVersion: string;
  dryRun: boolean;
  startMs: number;
  endMs: number;
  predictedSeconds?: number;
  estimateSource?: string;
  phases: UpgradePhaseRun[];
  children: ChildRoll[];
  /** Steps the upgrade itself ran (its children's not counted). */
  ownSteps: number;
  summary?: {
    outcome: string;
    reason?: string;
    controlPlaneUpdates?: number;
    addonUpdates?: number;
    nodeGroupRolls?: Record<string, number>;
    maxKubeletSkewObserved?: number;
    durationSeconds?: number;
  };
  warnings: string[];
  problems: string[];
  stop?: { state: string; atMs: number; error?: string };
  errors: { state: string; atMs: number; error: string; cause?: string }[];
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec | undefined => (v && typeof v === "object" ? (v as Rec) : undefined);
const minor = (version: unknown) => (typeof version === "string" ? Number(version.split(".")[1]) : Number.NaN);

export function phaseLabel(index: number, kind: string, toVersion: string, groups?: string[]): string {
  const what =
    kind === "control-plane" || kind === "self-managed-control-plane"
      ? "control plane"
      : kind === "addons"
        ? "add-ons"
        : `node groups${groups && groups.length > 0 ? ` (${groups.join(", ")})` : ""}`;
  return `${index + 1}. ${what} → ${toVersion}`;
}

export function deriveUpgrade(all: RecordedEvent[]): UpgradeRun {
  const events = eventsOf(all);
  const run: UpgradeRun = {
    cluster: "",
    toVersion: "",
    dryRun: false,
    startMs: events[0]?.atMs ?? 0,
    endMs: events[events.length - 1]?.atMs ?? 0,
    phases: [],
    children: [],
    ownSteps: events.filter((e) => e.kind === "entered").length,
    warnings: [],
    problems: [],
    errors: [],
  };
  let lastEntered: RecordedEvent | undefined;
  for (const event of events) {
    if (event.kind === "entered") {
      lastEntered = event;
      continue;
    }
    if (event.kind === "caught" || event.kind === "failed") {
      if (event.error)
        run.errors.push({
          state: event.state,
          atMs: event.atMs,
          error: event.error,
          ...(event.cause ? { cause: event.cause } : {}),
        });
      continue;
    }
    if (event.kind !== "exited") continue;
    const out = obj(event.output);
    const input = obj(out?.input);
    if (input && !run.cluster) {
      run.cluster = String(input.cluster ?? "");
      run.toVersion = String(input.toVersion ?? "");
      run.dryRun = input.dryRun === true;
    }
    if (event.state === "Assess") {
      const assessment = obj(out?.assessment);
      const plan = obj(assessment?.plan);
      const preflight = obj(assessment?.preflight);
      if (plan) {
        run.fromVersion = String(plan.fromVersion ?? "");
        run.predictedSeconds = typeof plan.predictedSeconds === "number" ? plan.predictedSeconds : undefined;
        run.estimateSource = typeof plan.estimateSource === "string" ? plan.estimateSource : undefined;
        run.phases = ((plan.phases as Rec[]) ?? []).map((p, index) => ({
          index,
          kind: String(p.kind),
          toVersion: String(p.toVersion),
          label: phaseLabel(
            index,
            String(p.kind),
            String(p.toVersion),
            ((p.groups as Rec[]) ?? []).map((g) => String(g.name)),
          ),
          ...(typeof p.predictedSeconds === "number" ? { predictedSeconds: p.predictedSeconds } : {}),
        }));
      }
      run.warnings = (preflight?.warnings as string[]) ?? [];
      run.problems = (preflight?.problems as string[]) ?? [];
    }
    const cursor = obj(out?.cursor);
    const index = typeof cursor?.index === "number" ? cursor.index : undefined;
    if (event.state === "Next phase" && index !== undefined && cursor?.finished !== true) {
      if (!run.phases[index]) {
        const kind = String(cursor?.kind ?? "phase");
        const toVersion = String(cursor?.toVersion ?? "");
        run.phases[index] = { index, kind, toVersion, label: phaseLabel(index, kind, toVersion) };
      }
      const phase = run.phases[index] as UpgradePhaseRun;
      phase.startMs ??= event.atMs;
    }
    if (event.state === "Observe phase" && index !== undefined) {
      const phase = run.phases[index];
      const observed = obj(out?.observed);
      if (phase) {
        phase.endMs = event.atMs;
        phase.controlPlaneAfter = String(observed?.controlPlaneVersion ?? "");
        phase.oldestKubeletAfter = String(observed?.oldestKubelet ?? "");
        const skew = minor(observed?.controlPlaneVersion) - minor(observed?.oldestKubelet);
        if (Number.isFinite(skew)) phase.skewAfter = skew;
        if (obj(out?.progress)?.failed === true || observed?.halt) phase.failed = true;
      }
    }
    if (event.state === "Summarize") {
      const summary = obj(out?.summary);
      if (summary) run.summary = summary as unknown as UpgradeRun["summary"];
    }
  }
  for (const execution of childExecutions(all)) {
    const childEvents = eventsOf(all, execution);
    let nodeGroup = execution;
    let outcome: string | undefined;
    for (const e of childEvents) {
      const out = obj(e.output);
      const group = obj(out?.input)?.nodeGroup ?? obj(out?.request)?.nodeGroup;
      if (typeof group === "string") nodeGroup = group;
      const summary = obj(out?.summary);
      if (e.state === "Summarize" && summary) outcome = String(summary.outcome);
    }
    run.children.push({
      execution,
      nodeGroup,
      startMs: childEvents[0]?.atMs ?? run.startMs,
      endMs: childEvents[childEvents.length - 1]?.atMs ?? run.startMs,
      ...(outcome ? { outcome } : {}),
      events: childEvents,
    });
  }
  for (const phase of run.phases) if (phase.startMs !== undefined && phase.endMs === undefined) phase.endMs = run.endMs;
  const outcome = run.summary?.outcome;
  if (outcome !== "succeeded" && outcome !== "planned" && lastEntered) {
    const failed = run.errors.find((e) => e.state !== "execution");
    run.stop = {
      state: failed?.state ?? lastEntered.state,
      atMs: failed?.atMs ?? lastEntered.atMs,
      ...(failed ? { error: failed.error } : {}),
    };
  }
  return run;
}
