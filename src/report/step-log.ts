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

function levelOf(output: unknown): StepRow["level"] {
  const o = output as { drain?: { blocked?: unknown[] }; halt?: unknown } | undefined;
  if (o?.halt) return "error";
  if ((o?.drain?.blocked?.length ?? 0) > 0) return "warn";
  return "info";
}

function describe(state: string, output: unknown, seconds: number): string {
  const o = (output ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const took = `took ${seconds.toFixed(1)} s`;
  switch (state) {
    case "Plan roll":
      return o.plan
        ? `${o.plan.outdated} outdated of ${o.plan.groupSize}, surge ${o.plan.surge}, ${o.plan.batchesPlanned} batches, predicted ${o.plan.predictedSeconds} s; ${took}`
        : took;
    case "Select next batch":
      return o.batch?.finished
        ? `no batch left; ${took}`
        : `batch ${Number(o.batch?.index ?? 0) + 1}: ${JSON.stringify(o.batch?.byZone ?? {})}; ${took}`;
    case "Surge batch":
      return `desired capacity ${o.surge?.desiredCapacity}, ${o.surge?.launched} launched; ${took}`;
    case "Check replacements Ready":
      return o.ready?.done
        ? `replacements Ready after ${o.ready?.attempts} look(s)`
        : `not yet (look ${o.ready?.attempts})`;
    case "Drain batch": {
      const blocked = (o.drain?.blocked as { pod: string; message: string }[] | undefined) ?? [];
      if (o.drain?.done) return `drained after ${o.drain?.attempts} attempt(s)`;
      return `${o.drain?.remainingPods} pod(s) left${blocked.length > 0 ? `; refused: ${blocked.map((b) => `${b.pod} (${b.message})`).join("; ")}` : ""}`;
    }
    case "Terminate batch":
      return `${o.terminated?.terminated ?? "?"} terminated; ${took}`;
    case "Summarize": {
      const s = o.summary;
      return s ? `${s.outcome}${s.reason ? `: ${s.reason}` : ""}` : took;
    }
    default:
      return took;
  }
}
