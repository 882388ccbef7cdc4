/** Each step invocation of a run as a span (entered → exited), for pictures of any workflow's steps. */
import type { RecordedEvent } from "./recorded-events";

export interface StepSpan {
  state: string;
  fromMs: number;
  toMs: number;
  failed: boolean;
  execution?: string;
}

export function stepSpans(events: RecordedEvent[]): StepSpan[] {
  const open = new Map<string, RecordedEvent>();
  const spans: StepSpan[] = [];
  const key = (e: RecordedEvent) => `${e.execution ?? ""}/${e.state}`;
  for (const event of events) {
    if (event.kind === "entered") {
      open.set(key(event), event);
    } else if (
      event.kind === "exited" ||
      event.kind === "retried" ||
      event.kind === "caught" ||
      event.kind === "failed"
    ) {
      const began = open.get(key(event));
      if (!began) continue;
      open.delete(key(event));
      spans.push({
        state: event.state,
        fromMs: began.atMs,
        toMs: Math.max(began.atMs, event.atMs),
        failed: event.kind !== "exited",
        ...(event.execution !== undefined ? { execution: event.execution } : {}),
      });
    }
  }
  const last = events[events.length - 1]?.atMs ?? 0;
  for (const began of open.values()) {
    // Entered and never left: the run stopped inside this step.
    spans.push({
      state: began.state,
      fromMs: began.atMs,
      toMs: last,
      failed: true,
      ...(began.execution !== undefined ? { execution: began.execution } : {}),
    });
  }
  return spans.sort((a, b) => a.fromMs - b.fromMs);
}
