/**
 * Progress of an upgrade, phase by phase: what each phase is for, what it is doing, and the lines of
 * each child roll prefixed with its node group, on one clock.
 */
import type { UpgradeState } from "../core/upgrade/state";
import type { RunnerEvent } from "../sandbox/runner/local-workflow";
import type { LogLine } from "../sandbox/sandbox";
import { clockOffset, duration } from "./format";
import type { CliIO } from "./io";
import { RollProgressView } from "./progress";

export class UpgradeProgressView {
  private startMs: number | undefined;
  private lastActivity = "";
  private readonly children = new Map<string, RollProgressView>();
  private readonly labels = new Map<string, string>();

  constructor(private readonly io: CliIO) {}

  private line(atMs: number, text: string): void {
    this.startMs ??= atMs;
    this.io.stderr(`${clockOffset(atMs - this.startMs)}  ${text}`);
  }

  onEvent = (event: RunnerEvent): void => {
    if (event.execution) {
      const output = event.output as { input?: { nodeGroup?: string }; request?: { nodeGroup?: string } } | undefined;
      const group = output?.input?.nodeGroup ?? output?.request?.nodeGroup;
      if (group) this.labels.set(event.execution, group);
      this.childView(event.execution).onEvent(event);
      return;
    }
    this.startMs ??= event.atMs;
    if (event.kind === "state-caught") {
      this.line(event.atMs, `! ${event.state} failed; putting back what it left and releasing the lock`);
      return;
    }
    if (event.kind !== "state-exited") return;
    const state = event.output as UpgradeState;
    switch (event.state) {
      case "Take cluster lock":
        if (state.lock?.acquired && !state.lock.inherited)
          this.line(event.atMs, `locked cluster ${state.input.cluster}`);
        break;
      case "Assess": {
        const assessment = state.assessment;
        if (!assessment) break;
        const { cluster, plan, preflight } = assessment;
        this.line(
          event.atMs,
          `${cluster.kind === "eks" ? "EKS" : "self-managed"} cluster ${cluster.cluster} on ${cluster.version}: ${cluster.nodeGroups.length} node group(s), ${cluster.nodes} nodes, ${cluster.addons.length} add-on(s)`,
        );
        if (plan.path.length > 0) {
          this.line(
            event.atMs,
            `plan: ${plan.path.join(" → ")} in ${plan.phases.length} phases, predicted ${duration(plan.predictedSeconds)}`,
          );
        }
        for (const warning of preflight.warnings) this.line(event.atMs, `preflight warning: ${warning}`);
        for (const problem of preflight.problems) this.line(event.atMs, `preflight refused: ${problem}`);
        if (preflight.ok) this.line(event.atMs, "preflight passed");
        break;
      }
      case "Next phase": {
        const cursor = state.cursor;
        const phase = cursor ? state.assessment?.plan.phases[cursor.index] : undefined;
        if (cursor?.aborted) this.line(event.atMs, "abort requested: stopping between phases");
        if (!phase || !cursor) break;
        const total = state.assessment?.plan.phases.length ?? 0;
        const what =
          phase.kind === "control-plane"
            ? `control plane → ${phase.toVersion}`
            : phase.kind === "addons"
              ? `add-ons for ${phase.toVersion}: ${phase.hops.map((h) => `${h.addon} ${h.version}`).join(", ")}`
              : `node groups → ${phase.toVersion}: ${phase.groups.map((g) => g.name).join(", ")}`;
        this.line(event.atMs, `phase ${cursor.index + 1}/${total}: ${what}`);
        break;
      }
      case "Update control plane":
      case "Roll control-plane nodes":
      case "Update add-ons": {
        const activity = state.progress?.activity ?? "";
        if (state.progress?.failed) this.line(event.atMs, `  failed: ${state.progress.reason}`);
        else if (activity && activity !== this.lastActivity) this.line(event.atMs, `  ${activity}`);
        this.lastActivity = activity;
        break;
      }
      case "Observe phase":
        if (state.observed) {
          this.line(
            event.atMs,
            `  observed: API server ${state.observed.controlPlaneVersion}, oldest kubelet ${state.observed.oldestKubelet ?? "none"} (max skew so far ${state.observed.maxKubeletSkew})`,
          );
          if (state.observed.halt) this.line(event.atMs, `halted: ${state.observed.halt}`);
        }
        break;
      case "Release cluster lock":
        for (const action of (state.release as { actions?: string[] } | undefined)?.actions ?? []) {
          this.line(event.atMs, `restore: ${action}`);
        }
        break;
    }
  };

  private childView(execution: string): RollProgressView {
    let view = this.children.get(execution);
    if (!view) {
      const prefixed: CliIO = {
        stdout: (line) => this.io.stdout(line),
        stderr: (line) =>
          this.io.stderr(line.replace(/^(\S+)\s+/, `$1    [${this.labels.get(execution) ?? execution}] `)),
        interactive: false,
      };
      view = new RollProgressView(prefixed, this.startMs);
      this.children.set(execution, view);
    }
    return view;
  }

  onLog = (line: LogLine): void => {
    if (line.level === "warn" || line.level === "error") this.line(line.atMs, `${line.level}: ${line.message}`);
  };
}
