/**
 * What the simulator sampled, kept so that figures judging a run (its lower bound) rest on the
 * timings of that same run: per instance boot, node Ready, pod start, volume attach and pod shutdown,
 * per EKS update; API calls and steps are kept as totals only (there are too many to list).
 */

export type SampledPurpose =
  | "instance-boot"
  | "node-ready"
  | "pod-start"
  | "volume-attach"
  | "pod-shutdown"
  | "control-plane-update"
  | "addon-update";

export interface SampleRecord {
  purpose: SampledPurpose;
  /** Instance id, pod uid, update id. */
  entity: string;
  seconds: number;
  /** Virtual time the sample was drawn at (when the boot, start, shutdown… began). */
  atMs: number;
  nodeGroup?: string;
  /** "namespace/name" of the pod's workload. */
  workload?: string;
  /** The node a pod ran on (shutdown) or starts on (start, attach). */
  nodeName?: string;
}

export type CallKind = "aws-call" | "kube-call" | "aws-backoff" | "step";

/** Samples drawn during one run window, in the shapes the lower bound needs (src/sandbox/lower-bound.ts). */
export interface SampledRun {
  /** boot + node Ready of each instance of the group launched in the window that was given a Ready delay. */
  joinSeconds: number[];
  /** Sampled pod shutdowns, per node the pods ran on. */
  shutdownsByNode: Map<string, number[]>;
  /** Per workload ("namespace/name"): its pods' sampled starts, volume attaches and shutdowns. */
  byWorkload: Map<string, { start: number[]; attach: number[]; shutdown: number[] }>;
}

export class SampleRecords {
  private readonly samples: SampleRecord[] = [];
  /**
   * Entities already recorded, per purpose: a sample asked for twice is the same sample, kept once.
   * The entity strings are the records' own (no key string per sample kept besides them).
   */
  private readonly seen = new Map<SampledPurpose, Set<string>>();
  private readonly totals = new Map<CallKind, { count: number; seconds: number }>();

  record(sample: SampleRecord): void {
    let entities = this.seen.get(sample.purpose);
    if (entities === undefined) {
      entities = new Set();
      this.seen.set(sample.purpose, entities);
    }
    if (entities.has(sample.entity)) return;
    entities.add(sample.entity);
    this.samples.push(sample);
  }

  count(kind: CallKind, seconds: number): void {
    const total = this.totals.get(kind) ?? { count: 0, seconds: 0 };
    total.count++;
    total.seconds += seconds;
    this.totals.set(kind, total);
  }

  /** Every per-entity sample, in the order drawn. */
  all(): readonly SampleRecord[] {
    return this.samples;
  }

  /** Calls, back-off waits and steps sampled so far: how many and their total seconds. */
  callTotals(): Record<CallKind, { count: number; seconds: number }> {
    const get = (kind: CallKind) => ({ ...(this.totals.get(kind) ?? { count: 0, seconds: 0 }) });
    return {
      "aws-call": get("aws-call"),
      "kube-call": get("kube-call"),
      "aws-backoff": get("aws-backoff"),
      step: get("step"),
    };
  }

  /**
   * The samples drawn in [fromMs, toMs] for one node group's roll, grouped for the lower bound. Boots
   * are counted for `instanceIds` only when given (another cluster may have a group of the same name).
   */
  sampledRun(nodeGroup: string, fromMs: number, toMs: number, instanceIds?: ReadonlySet<string>): SampledRun {
    const inWindow = this.samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
    const ready = new Map<string, number>();
    for (const s of this.samples) if (s.purpose === "node-ready" && s.atMs >= fromMs) ready.set(s.entity, s.seconds);
    const joinSeconds: number[] = [];
    const shutdownsByNode = new Map<string, number[]>();
    const byWorkload = new Map<string, { start: number[]; attach: number[]; shutdown: number[] }>();
    const workload = (key: string) => {
      let entry = byWorkload.get(key);
      if (!entry) {
        entry = { start: [], attach: [], shutdown: [] };
        byWorkload.set(key, entry);
      }
      return entry;
    };
    for (const s of inWindow) {
      if (s.purpose === "instance-boot" && s.nodeGroup === nodeGroup && (instanceIds?.has(s.entity) ?? true)) {
        const readySeconds = ready.get(s.entity);
        if (readySeconds !== undefined) joinSeconds.push(s.seconds + readySeconds);
      } else if (s.purpose === "pod-shutdown" && s.workload) {
        workload(s.workload).shutdown.push(s.seconds);
        if (s.nodeName) shutdownsByNode.set(s.nodeName, [...(shutdownsByNode.get(s.nodeName) ?? []), s.seconds]);
      } else if (s.purpose === "pod-start" && s.workload) {
        workload(s.workload).start.push(s.seconds);
      } else if (s.purpose === "volume-attach" && s.workload) {
        workload(s.workload).attach.push(s.seconds);
      }
    }
    return { joinSeconds, shutdownsByNode, byWorkload };
  }
}
