/**
 * EventBridge event pattern matching, for the subset of the pattern language Tugboat's rules use or
 * might: exact values, `prefix`, `anything-but` (values or a prefix) and `exists`. Semantics as the
 * EventBridge User Guide states them: every field of the pattern must match; a list matches when any of
 * its values does; an event field that is a list matches when any of its elements does; a nested object
 * in the pattern matches the event's object at that key.
 */
export type ValueMatcher =
  | string
  | number
  | boolean
  | null
  | { prefix: string }
  | { "anything-but": string | number | (string | number)[] | { prefix: string } }
  | { exists: boolean };

export interface EventPattern {
  [field: string]: ValueMatcher[] | EventPattern;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matchesScalar(matcher: ValueMatcher, value: Json | undefined): boolean {
  if (!isObject(matcher)) return value !== undefined && matcher === value;
  if ("exists" in matcher) return matcher.exists === (value !== undefined);
  if (value === undefined) return false;
  if ("prefix" in matcher) return typeof value === "string" && value.startsWith(matcher.prefix);
  const excluded = matcher["anything-but"];
  if (isObject(excluded)) return typeof value === "string" && !value.startsWith(excluded.prefix);
  const values = Array.isArray(excluded) ? excluded : [excluded];
  return !values.includes(value as string | number);
}

function matchesField(matchers: ValueMatcher[], value: Json | undefined): boolean {
  // `exists: false` is about the field as a whole, not its elements.
  if (Array.isArray(value)) {
    return matchers.some((m) =>
      isObject(m) && "exists" in m ? m.exists === true : value.some((element) => matchesScalar(m, element)),
    );
  }
  return matchers.some((m) => matchesScalar(m, value));
}

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const value = event[field] as Json | undefined;
    if (Array.isArray(expected)) return matchesField(expected, value);
    return isObject(value) && matchesPattern(expected, value);
  });
}
