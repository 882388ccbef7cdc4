/** The steps a run took, one row per step that did something worth reading, from its recorded events. */
import type { StepRow } from "./model";
import type { RecordedEvent } from "./recorded-events";

const MAX_ROWS = 3000;

export function stepRows(events: RecordedEvent[], startMs: number): StepRow[] {
  const rows: StepRow[] = [];
  const entered = new Map<string, number>();
  for (const event of events) {
    const atSeconds = (event.atMs - startMs) / 1000;
    const who = event.execution ? `[${event.execution}] ` : "";
    if (event.kind === "entered") {
      entered.set(`${event.execution ?? ""}/${event.state}`, event.atMs);
    } else if (event.kind === "exited") {
      const began = entered.get(`${event.execution ?? ""}/${event.state}`) ?? event.atMs;
      rows.push({
        atSeconds,
        state: `${who}${event.state}`,
        text: describe(event.state, event.output, (event.atMs - began) / 1000),
        level: levelOf(event.output),
      });
    } else {
      rows.push({
        atSeconds,
        state: `${who}${event.state}`,
        text: `${event.kind}: ${event.error ?? "error"}${event.cause ? `: ${event.cause.slice(0, 400)}` : ""}`,
        level: event.kind === "retried" ? "warn" : "error",
      });
    }
    if (rows.length >= MAX_ROWS) break;
  }
  return rows;
}

interface TickWave {
  index: number;
  byZone?: Record<string, number>;
  terminated?: boolean;
  attempts?: number;
  blockedBy?: string[];
  blockedUnnamed?: boolean;
}

const wavesOf = (pipeline: unknown): TickWave[] => {
  const waves = (pipeline as { waves?: unknown } | undefined)?.waves;
  return Array.isArray(waves) ? (waves as TickWave[]) : [];
};

function levelOf(output: unknown): StepRow["level"] {
  const o = output as { halt?: unknown; pipeline?: unknown } | undefined;
  if (o?.halt) return "error";
  if (wavesOf(o?.pipeline).some((w) => (w.blockedBy?.length ?? 0) > 0 || w.blockedUnnamed)) return "warn";
  return "info";
}

/** One tick in words: waves terminated and draining (with the budgets that refused), joining, left. */
function tickWords(pipeline: Record<string, unknown>): string {
  const waves = wavesOf(pipeline);
  const parts = waves.filter((w) => w.terminated).map((w) => `wave ${w.index + 1} drained and terminated`);
  const draining = waves
    .filter((w) => !w.terminated)
    .map((w) => `${w.index + 1}${(w.blockedBy?.length ?? 0) > 0 ? ` (held by ${w.blockedBy?.join(", ")})` : ""}`);
  if (draining.length > 0) parts.push(`draining: wave ${draining.join(", ")}`);
  if (pipeline.finished === true) parts.push("no outdated node left");
  else parts.push(`${pipeline.joining ?? "?"} joining, ${pipeline.remaining ?? "?"} outdated left`);
  return parts.join("; ");
}

function describe(state: string, output: unknown, seconds: number): string {
  const o = (output ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const took = `took ${seconds.toFixed(1)} s`;
  switch (state) {
    case "Plan roll":
      return o.plan
        ? `${o.plan.outdated} outdated of ${o.plan.groupSize}, surge ${o.plan.surge}, ${o.plan.batchesPlanned} batches, predicted ${o.plan.predictedSeconds} s; ${took}`
        : took;
    case "Advance roll":
      return o.pipeline ? `${tickWords(o.pipeline)}; ${took}` : took;
    case "Summarize": {
      const s = o.summary;
      return s ? `${s.outcome}${s.reason ? `: ${s.reason}` : ""}` : took;
    }
    default:
      return took;
  }
}
