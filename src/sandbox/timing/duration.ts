/**
 * A scenario duration: a plain number of seconds (exactly this, every time) or a distribution the
 * sandbox samples per instance, node, pod, update or call (docs/scenarios.md, "Timing"):
 *
 *  - `{ "min": 60, "max": 120 }`: uniform between min and max;
 *  - `{ "p50": 20, "p90": 40 }`: log-normal with that median and 90th percentile (right-skewed, as
 *    boot and API latencies are);
 *  - either with an optional tail: `"slowFraction": 0.05, "slowFactor": 3` makes 5% of the samples
 *    three times slower (a cold start, a slow host).
 */
import { z } from "zod";

export interface DurationTail {
  /** Fraction of samples that are slow, 0 to 1. */
  slowFraction?: number;
  /** How many times slower a slow sample is (≥ 1). */
  slowFactor?: number;
}

export type UniformDuration = { min: number; max: number } & DurationTail;
export type LogNormalDuration = { p50: number; p90: number } & DurationTail;
export type Distribution = UniformDuration | LogNormalDuration;
/** Seconds: a plain number means exactly this. */
export type Duration = number | Distribution;

const SHAPE =
  'a number of seconds ≥ 0, { "min", "max" } (uniform) or { "p50", "p90" } (log-normal), ' +
  'optionally with "slowFraction" (0–1) and "slowFactor" (≥ 1)';

/** What is wrong with `value` as a duration, or undefined when it is one. */
export function durationProblem(value: unknown): string | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? undefined : `expected ${SHAPE}; got ${value}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected ${SHAPE}; got ${JSON.stringify(value) ?? String(value)}`;
  }
  const fields = value as Record<string, unknown>;
  const keys = Object.keys(fields);
  const known = new Set(["min", "max", "p50", "p90", "slowFraction", "slowFactor"]);
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0) return `unknown field(s) ${unknown.map((k) => `"${k}"`).join(", ")}: expected ${SHAPE}`;
  const isNumber = (k: string) => typeof fields[k] === "number" && Number.isFinite(fields[k] as number);
  const uniform = "min" in fields || "max" in fields;
  const logNormal = "p50" in fields || "p90" in fields;
  if (uniform && logNormal) return `give either "min" and "max" or "p50" and "p90", not both: expected ${SHAPE}`;
  if (uniform) {
    if (!isNumber("min") || !isNumber("max"))
      return `a uniform duration needs numbers "min" and "max": expected ${SHAPE}`;
    const { min, max } = fields as { min: number; max: number };
    if (min < 0 || max < min) return `a uniform duration needs 0 ≤ min ≤ max; got min ${min}, max ${max}`;
  } else if (logNormal) {
    if (!isNumber("p50") || !isNumber("p90"))
      return `a log-normal duration needs numbers "p50" and "p90": expected ${SHAPE}`;
    const { p50, p90 } = fields as { p50: number; p90: number };
    if (p50 <= 0 || p90 < p50) return `a log-normal duration needs 0 < p50 ≤ p90; got p50 ${p50}, p90 ${p90}`;
  } else {
    return `expected ${SHAPE}; got ${JSON.stringify(value)}`;
  }
  const hasFraction = "slowFraction" in fields;
  const hasFactor = "slowFactor" in fields;
  if (hasFraction !== hasFactor) return `"slowFraction" and "slowFactor" go together: give both or neither`;
  if (hasFraction) {
    if (!isNumber("slowFraction") || (fields.slowFraction as number) < 0 || (fields.slowFraction as number) > 1) {
      return `"slowFraction" must be a number from 0 to 1; got ${JSON.stringify(fields.slowFraction)}`;
    }
    if (!isNumber("slowFactor") || (fields.slowFactor as number) < 1) {
      return `"slowFactor" must be a number ≥ 1; got ${JSON.stringify(fields.slowFactor)}`;
    }
  }
  return undefined;
}

/** Zod schema of a duration; an invalid value yields one issue that names the expected shape. */
export const durationSchema = z.custom<Duration>().superRefine((value, ctx) => {
  const problem = durationProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * The smallest value a duration can take: a plain number itself, a uniform's min, 0 for a log-normal
 * (unbounded below). The tail only slows samples down, so it does not change the floor.
 */
export function floorSeconds(duration: Duration): number {
  if (typeof duration === "number") return duration;
  return "min" in duration ? duration.min : 0;
}

/** The median (tail aside): a plain number itself, a uniform's midpoint, a log-normal's p50. */
export function medianSeconds(duration: Duration): number {
  if (typeof duration === "number") return duration;
  return "min" in duration ? (duration.min + duration.max) / 2 : duration.p50;
}
