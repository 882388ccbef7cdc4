/**
 * A progress view a person can follow: one line per decision, stamped with time since the start.
 * On a terminal the drain's pod count is redrawn in place; in CI or with --json it stays line by line.
 */
import type { RollState } from "../core/roll/state";
import type { RunnerEvent } from "../sandbox/runner/local-workflow";
import type { LogLine } from "../sandbox/sandbox";
import { clockOffset, plural, prediction, zones } from "./format";
import type { CliIO } from "./io";

export class RollProgressView {
  private startMs: number | undefined;
  private liveLine = false;

  /** `startMs`: the start of an enclosing run, so a child's lines share its clock. */
  constructor(
    private readonly io: CliIO,
    startMs?: number,
  ) {
    this.startMs = startMs;
  }

  private stamp(atMs: number): string {
    this.startMs ??= atMs;
    return clockOffset(atMs - this.startMs);
  }

  private line(atMs: number, text: string): void {
    if (this.liveLine) {
      process.stderr.write("\r\u001b[2K");
      this.liveLine = false;
    }
    this.io.stderr(`${this.stamp(atMs)}  ${text}`);
  }

  private live(atMs: number, text: string): void {
    if (!this.io.interactive) return;
    process.stderr.write(`\r\u001b[2K${this.stamp(atMs)}  ${text}`);
    this.liveLine = true;
  }

  onEvent = (event: RunnerEvent): void => {
    if (event.kind === "state-entered") {
      this.startMs ??= event.atMs;
      return;
    }
    if (event.kind === "state-caught") {
      this.line(event.atMs, `! ${event.state} failed; restoring the group`);
      return;
    }
    if (event.kind !== "state-exited") return;
    const state = event.output as RollState & Record<string, unknown>;
    switch (event.state) {
      case "Take cluster lock":
        if (state.lock?.inherited)
          this.line(
            event.atMs,
            `working under the lock of its upgrade, ${(state.input.parentExecutionId ?? "").split(":").pop()}`,
          );
        else if (state.lock?.acquired) {
          this.line(
            event.atMs,
            `locked cluster ${state.input.cluster}${state.lock.tookOverFrom ? ` (took over from dead run ${state.lock.tookOverFrom})` : ""}`,
          );
        }
        break;
      case "Reconcile leftovers": {
        const actions = state.reconcile?.actions ?? [];
        for (const action of actions) this.line(event.atMs, `reconciled: ${action}`);
        break;
      }
      case "Plan roll":
        if (state.plan) {
          this.line(
            event.atMs,
            `plan: ${state.plan.outdated} of ${state.plan.groupSize} nodes outdated in ${state.plan.asgName} (${state.plan.mode}); up to ${state.plan.surge} replacements in flight; ${prediction(state.plan.predictedSeconds, state.plan.estimateSource)}`,
          );
        }
        break;
      case "Preflight":
        for (const warning of state.preflight?.warnings ?? []) this.line(event.atMs, `preflight warning: ${warning}`);
        for (const problem of state.preflight?.problems ?? []) this.line(event.atMs, `preflight refused: ${problem}`);
        if (state.preflight?.ok) this.line(event.atMs, "preflight passed");
        break;
      case "Advance roll": {
        const tick = state.pipeline;
        for (const wave of tick?.waves ?? []) {
          if (wave.terminated)
            this.line(event.atMs, `  wave ${wave.index + 1} (${zones(wave.byZone)}): drained and terminated`);
        }
        if (tick?.aborted) this.line(event.atMs, "abort requested: stopping the roll");
        else if (tick?.finished) this.line(event.atMs, "every outdated node replaced");
        else if (tick) {
          const held = [...new Set((tick.waves ?? []).flatMap((w) => w.blockedBy))];
          this.live(
            event.atMs,
            `  ${plural(tick.remaining, "outdated node")} left: ${tick.draining} draining, ${plural(tick.joining, "replacement")} joining${held.length > 0 ? `; evictions held by ${held.join(", ")}` : ""}`,
          );
        }
        break;
      }
      case "Validate roll":
        if (state.validation?.done)
          this.line(event.atMs, "  validated: group Ready, critical pods healthy, nothing unschedulable");
        break;
      case "Check managed update":
        if (state.managed?.done) this.line(event.atMs, `EKS update ${state.managed.updateId} succeeded`);
        else this.live(event.atMs, `EKS update ${state.managed?.updateId} ${state.managed?.status}`);
        break;
      case "Restore group": {
        if (state.halt) this.line(event.atMs, `halted: ${state.halt.reason}`);
        if (state.error) this.line(event.atMs, `stopped by an error: ${state.error.Error}`);
        const restored = state.restored as { actions: string[] } | undefined;
        for (const action of restored?.actions ?? []) this.line(event.atMs, `restore: ${action}`);
        break;
      }
    }
  };

  onLog = (line: LogLine): void => {
    if (line.level === "warn" || line.level === "error") this.line(line.atMs, `${line.level}: ${line.message}`);
  };

  finish(): void {
    if (this.liveLine) process.stderr.write("\n");
    this.liveLine = false;
  }
}
