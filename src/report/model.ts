/**
 * The report's data model, open to every workflow: a report is a headline (what ran, how it ended, and
 * for a failed run why and what to do next) and a list of sections. Pictures, figures in words and the
 * step log are section kinds any workflow's builder can use; a new workflow (creation, rebalance,
 * prediction) writes a builder that turns its recorded events into sections, nothing more.
 */

/** One figure in words: a human label, the value with its unit, and what it means when that is not obvious. */
export interface Figure {
  label: string;
  value: string;
  note?: string;
  /** Drawn as a warning: a safety figure that is not zero, a prediction far off. */
  alarm?: boolean;
}

/** The fixed groups, in this order, so every report reads the same way. */
export type FigureGroupName = "Outcome" | "Time" | "Safety" | "Cost" | "API use";

export interface FigureGroup {
  name: FigureGroupName;
  figures: Figure[];
}

export interface Failure {
  /** Why the run failed or was refused, in the words the run gave. */
  reason: string;
  /** The step where it stopped, and when (seconds from the start). */
  stoppedAt: { state: string; atSeconds: number };
  /** What an operator does next. */
  nextStep: string;
}

export type ReportSection =
  | { kind: "figures"; groups: FigureGroup[] }
  | { kind: "picture"; id: string; title: string; caption: string; svg: string }
  | { kind: "note"; title: string; lines: string[] }
  | { kind: "steps"; title: string; rows: StepRow[] }
  | { kind: "group"; id: string; title: string; open: boolean; sections: ReportSection[] };

export interface StepRow {
  atSeconds: number;
  state: string;
  text: string;
  level: "info" | "warn" | "error";
}

export interface Report {
  /** "roll", "upgrade", "reaction": what kind of run (open: later workflows add theirs). */
  kind: string;
  title: string;
  outcome: string;
  /** One line under the title: the subject, where it ran, when. */
  context: string;
  failure?: Failure;
  sections: ReportSection[];
}
