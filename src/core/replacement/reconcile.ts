/**
 * The one reconciler: undoes what a run's journal still has open, whatever workflow wrote it (a roll,
 * an upgrade's child roll, an event reaction, a rebalance). A run calls it on its own journal on its
 * way out; the next run that takes the cluster lock calls it (through `reconcileDeadRuns`) on the
 * journals of runs whose execution is no longer running.
 *
 * Entries are undone newest first. Each undo reads live state and is idempotent, so a reconciler that
 * is itself cut short is simply run again: an entry is settled only once it is undone.
 */
import type { AutoScalingGroupState } from "../model/aws";
import type { Deps, KubePort } from "../ports";
import { traceNodeAction } from "../trace";
import { type GroupSizes, type Journal, loadJournal, type StoredJournalEntry } from "./journal";

export type ReconcilePorts = Pick<Deps, "autoScaling" | "kube" | "state" | "clock" | "log">;

export interface ReconcileReport {
  runId: string;
  /** One line per change undone, for the run's notes. */
  actions: string[];
  /** Each group's sizes before the run raised them (raise-sizes entries). */
  originalSizes: Record<string, GroupSizes>;
}

const isLeavingState = (state: string) => state.startsWith("Terminating") || state === "Terminated";

type Entry<K extends StoredJournalEntry["kind"]> = Extract<StoredJournalEntry, { kind: K }>;

interface UndoContext {
  ports: ReconcilePorts;
  journal: Journal;
  /** Instances the run terminated (terminate entries): their nodes keep their cordon. */
  terminated: Set<string>;
  kube: () => Promise<KubePort>;
  group: (name: string) => Promise<AutoScalingGroupState | undefined>;
  actions: string[];
}

async function undoCordon(ctx: UndoContext, entry: Entry<"cordon">): Promise<void> {
  const { runId } = ctx.journal.owner;
  const kube = await ctx.kube();
  const uncordoned: string[] = [];
  for (const { node, instanceId } of entry.nodes) {
    if (instanceId && ctx.terminated.has(instanceId)) continue;
    if ((await kube.setUnschedulable(node, false)) !== "changed") continue;
    uncordoned.push(node);
    await traceNodeAction(ctx.ports.log, kube, {
      runId,
      node,
      ...(instanceId ? { instanceId } : {}),
      action: "uncordon",
      reason: `uncordoned ${node}: run ${runId} stopped before replacing it`,
    });
  }
  if (uncordoned.length > 0) {
    ctx.actions.push(
      `uncordoned ${uncordoned.length} node(s) run ${runId} had not replaced: ${uncordoned.slice(0, 5).join(", ")}${uncordoned.length > 5 ? ", …" : ""}`,
    );
  }
}

async function undoTaint(ctx: UndoContext, entry: Entry<"taint">): Promise<void> {
  const kube = await ctx.kube();
  const wanted = new Set(entry.nodes);
  let removed = 0;
  for (const node of await kube.listNodes()) {
    // A node whose instance the run terminated is going away: its taint no longer matters.
    if (!wanted.has(node.name) || (node.instanceId && ctx.terminated.has(node.instanceId))) continue;
    const present = node.taints.some(
      (t) => t.key === entry.taint.key && t.effect === entry.taint.effect && t.value === entry.taint.value,
    );
    if (present && (await kube.setTaint(node.name, entry.taint, false)) === "changed") removed++;
  }
  if (removed > 0) ctx.actions.push(`removed the ${entry.taint.key} taint from ${removed} nodes left as they were`);
}

async function undoLaunch(ctx: UndoContext, entry: Entry<"launch">): Promise<void> {
  const group = await ctx.group(entry.asgName);
  if (!group) return;
  let surplus = group.desiredCapacity - entry.desiredBefore;
  if (surplus <= 0) return;
  const before = new Set(entry.membersBefore);
  const newcomers = group.instances.filter((i) => !before.has(i.instanceId) && !isLeavingState(i.lifecycleState));
  if (newcomers.length > 0) {
    const kube = await ctx.kube();
    const serving = new Set(
      (await kube.listNodes()).filter((n) => n.ready && n.instanceId).map((n) => n.instanceId as string),
    );
    // Ready replacements are up to date and keep serving (the next run reuses them); the rest never
    // joined or is still booting, serves nothing, and goes with the desired capacity it added.
    for (const stray of newcomers.filter((i) => !serving.has(i.instanceId))) {
      if (surplus <= 0) break;
      if ((await ctx.ports.autoScaling.terminateInstance(stray.instanceId, true)) === "terminating") {
        surplus--;
        ctx.actions.push(
          `terminated ${stray.instanceId}, launched by run ${ctx.journal.owner.runId} and never a Ready node`,
        );
      }
    }
  }
  // Capacity asked for but not launched yet: take the request back down to the members there are,
  // never below them, so Auto Scaling has nothing to terminate on its own (that would skip the drain).
  const after = await ctx.group(entry.asgName);
  if (!after) return;
  const live = after.instances.filter((i) => !isLeavingState(i.lifecycleState)).length;
  const desiredCapacity = Math.max(entry.desiredBefore, live);
  if (after.desiredCapacity > desiredCapacity) {
    await ctx.ports.autoScaling.updateSizes(entry.asgName, { desiredCapacity });
    ctx.actions.push(
      `lowered ${entry.asgName} desired capacity to ${desiredCapacity}: run ${ctx.journal.owner.runId} asked for instances not launched yet`,
    );
  }
}

async function undoRaiseSizes(ctx: UndoContext, entry: Entry<"raise-sizes">): Promise<void> {
  const group = await ctx.group(entry.asgName);
  if (!group) return;
  // Desired stays: lowering it would let Auto Scaling choose what to terminate, without a drain.
  const maxSize = Math.max(entry.original.maxSize, group.desiredCapacity);
  const minSize = entry.original.minSize;
  if (group.maxSize !== maxSize || group.minSize !== minSize) {
    await ctx.ports.autoScaling.updateSizes(entry.asgName, { minSize, maxSize });
    ctx.actions.push(`restored ${entry.asgName} min ${minSize}, max ${maxSize}`);
  }
  if (group.desiredCapacity > entry.original.desiredCapacity) {
    ctx.actions.push(
      `desired capacity of ${entry.asgName} left at ${group.desiredCapacity} (was ${entry.original.desiredCapacity}): ${group.desiredCapacity - entry.original.desiredCapacity} Ready up-to-date replacements keep serving; a rerun reuses them`,
    );
  }
}

async function undoSuspend(ctx: UndoContext, entry: Entry<"suspend">): Promise<void> {
  const group = await ctx.group(entry.asgName);
  if (!group) return;
  const toResume = entry.processes.filter((p) => group.suspendedProcesses.includes(p));
  if (toResume.length === 0) return;
  await ctx.ports.autoScaling.resumeProcesses(entry.asgName, toResume);
  ctx.actions.push(`resumed ${toResume.join(", ")} on ${entry.asgName}`);
}

async function undo(ctx: UndoContext, entry: StoredJournalEntry): Promise<void> {
  switch (entry.kind) {
    case "cordon":
      return undoCordon(ctx, entry);
    case "taint":
      return undoTaint(ctx, entry);
    case "launch":
      return undoLaunch(ctx, entry);
    case "raise-sizes":
      return undoRaiseSizes(ctx, entry);
    case "suspend":
      return undoSuspend(ctx, entry);
    case "terminate":
      return;
  }
}

/** Undoes every open entry of `journal`, newest first, settling each once undone. */
export async function reconcile(journal: Journal, ports: ReconcilePorts): Promise<ReconcileReport> {
  const entries = await journal.openEntries();
  const report: ReconcileReport = { runId: journal.owner.runId, actions: [], originalSizes: {} };
  let kube: KubePort | undefined;
  const ctx: UndoContext = {
    ports,
    journal,
    terminated: new Set(entries.flatMap((e) => (e.kind === "terminate" ? e.instanceIds : []))),
    kube: async () => {
      kube ??= await ports.kube(journal.owner.cluster);
      return kube;
    },
    // Read fresh for every entry: an earlier undo (a termination) changes the group.
    group: (name) => ports.autoScaling.describeGroup(name),
    actions: report.actions,
  };
  for (const entry of [...entries].reverse()) {
    if (entry.kind === "raise-sizes") report.originalSizes[entry.asgName] = entry.original;
    await undo(ctx, entry);
    await journal.settle(entry);
  }
  for (const action of report.actions) ports.log.info(action, { runId: journal.owner.runId });
  return report;
}

export interface DeadRunsReport {
  reconciledRuns: string[];
  actions: string[];
  originalSizes: Record<string, GroupSizes>;
}

/** How many of a cluster's newest runs are looked at for leftovers. */
export const RUNS_LOOKED_AT = 50;

/**
 * Reconciles the journals of the cluster's runs still marked running whose execution is not: they
 * stopped without their way out (a hard stop, a crash, a timeout). The caller holds the cluster lock,
 * so no other run is changing the cluster beside live ones, whose journals are left alone. Each
 * reconciled run is marked failed, naming the run that reconciled it.
 */
export async function reconcileDeadRuns(
  ports: ReconcilePorts & Pick<Deps, "executions">,
  self: { cluster: string; runId: string },
): Promise<DeadRunsReport> {
  const result: DeadRunsReport = { reconciledRuns: [], actions: [], originalSizes: {} };
  for (const run of await ports.state.listRuns(self.cluster, RUNS_LOOKED_AT)) {
    if (run.status !== "running" || run.runId === self.runId) continue;
    const journal = await loadJournal(ports, run.runId);
    if (!journal) continue;
    if ((await ports.executions.status(journal.owner.executionId)) === "RUNNING") continue;
    const report = await reconcile(journal, ports);
    result.actions.push(...report.actions);
    for (const [asg, sizes] of Object.entries(report.originalSizes)) result.originalSizes[asg] ??= sizes;
    run.status = "failed";
    run.updatedAt = ports.clock.now().toISOString();
    run.data = { ...run.data, reconciledBy: self.runId };
    await ports.state.putRun(run);
    result.reconciledRuns.push(run.runId);
  }
  return result;
}
