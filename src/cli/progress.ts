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
  private batches = 0;
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
          this.batches = state.plan.batchesPlanned;
          this.line(
            event.atMs,
            `plan: ${state.plan.outdated} of ${state.plan.groupSize} nodes outdated in ${state.plan.asgName} (${state.plan.mode}); ${plural(state.plan.batchesPlanned, "batch", "batches")} of ${state.plan.surge}; ${prediction(state.plan.predictedSeconds, state.plan.estimateSource)}`,
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
        if (tick?.aborted) this.line(event.atMs, "abort requested: stopping the roll");
        else if (tick?.finished) this.line(event.atMs, "every outdated node replaced");
        else if (tick) {
          this.live(
            event.atMs,
            `  ${plural(tick.remaining, "outdated node")} left: ${tick.draining} draining, ${plural(tick.joining, "replacement")} joining`,
          );
        }
        break;
      }
      case "Select next batch":
        if (state.batch?.aborted) this.line(event.atMs, "abort requested: stopping before the next batch");
        else if (state.batch && !state.batch.finished) {
          this.line(
            event.atMs,
            `batch ${state.batch.index + 1}/${Math.max(this.batches, state.batch.index + 1)}: replacing ${plural(state.batch.size, "node")} (${zones(state.batch.byZone)})`,
          );
        }
        break;
      case "Surge batch": {
        const surge = state.surge as { desiredCapacity: number; launched: number } | undefined;
        if (surge)
          this.line(event.atMs, `  surge: desired capacity ${surge.desiredCapacity} (${surge.launched} launching)`);
        break;
      }
      case "Check replacements Ready":
        if (state.ready?.done) this.line(event.atMs, "  replacements Ready in every AZ");
        else this.live(event.atMs, `  waiting for replacements to join (check ${state.ready?.attempts ?? 0})`);
        break;
      case "Cordon batch":
        this.line(event.atMs, `  cordoned ${plural(state.batch?.size ?? 0, "node")}`);
        break;
      case "Drain batch":
        if (state.drain?.done) this.line(event.atMs, "  drained: every pod evicted and gone");
        else {
          const waiting = state.drain?.blocked.length ?? 0;
          this.live(
            event.atMs,
            `  draining: ${plural(state.drain?.remainingPods ?? 0, "pod")} left${waiting > 0 ? `, ${waiting} waiting on PDBs` : ""}`,
          );
        }
        break;
      case "Terminate batch": {
        const terminated = state.terminated as { terminated: number; skipped: string[] } | undefined;
        if (terminated) this.line(event.atMs, `  terminated ${plural(terminated.terminated, "old node")}`);
        break;
      }
      case "Validate batch":
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
