/**
 * Writes a run's HTML report (src/report): the recorder collects a sandbox run's events as they happen,
 * and the cluster's capacity per AZ when asked to; `writeReport` renders and writes the file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CapacitySample } from "../../report/capacity";
import { renderReportHtml } from "../../report/html";
import type { Report } from "../../report/model";
import { fromRunnerEvent, type RecordedEvent } from "../../report/recorded-events";
import { CapacityTimeline } from "../../sandbox/capacity-timeline";
import type { RunnerEvent } from "../../sandbox/runner/local-workflow";
import type { Sandbox } from "../../sandbox/sandbox";

export function writeReport(path: string, report: Report): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReportHtml(report));
}

/** Collects a sandbox run's events (its own and its children's), passing each on to `next`. */
export class RunRecorder {
  readonly events: RecordedEvent[] = [];
  private capacityTimeline?: CapacityTimeline;

  constructor(private readonly next?: (event: RunnerEvent) => void) {}

  readonly onEvent = (event: RunnerEvent): void => {
    this.events.push(fromRunnerEvent(event));
    this.next?.(event);
  };

  /** Samples the sandbox cluster's capacity per AZ from now on (call before the run starts). */
  observeCapacity(sandbox: Sandbox): this {
    this.capacityTimeline = new CapacityTimeline(sandbox.cluster).attach(sandbox.clock);
    return this;
  }

  get capacity(): CapacitySample[] | undefined {
    return this.capacityTimeline?.samples;
  }

  /** The run's own events: those of no child execution. */
  own(): RecordedEvent[] {
    return this.events.filter((e) => e.execution === undefined);
  }
}
