/**
 * EC2's Filters parameter: filters are ANDed, the values of one filter ORed, and values may use the
 * `*` and `?` wildcards. Each Describe call names the filters it understands; any other name is
 * refused as EC2 refuses it.
 */
import { ec2Error } from "./errors";

export interface Ec2Filter {
  Name?: string;
  Values?: string[];
}

/** Resource fields a filter can look at: a single value, a list, or a tag map for tag filters. */
export type FilterFields = Record<string, string | string[] | undefined>;

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

function anyMatches(actual: string | string[] | undefined, patterns: string[]): boolean {
  const values = actual === undefined ? [] : Array.isArray(actual) ? actual : [actual];
  return patterns.some((pattern) => {
    const re = wildcard(pattern);
    return values.some((value) => re.test(value));
  });
}

/**
 * Whether a resource with these fields and tags passes every filter. `known` lists the non-tag
 * filter names this call supports.
 */
export function passesFilters(
  filters: Ec2Filter[] | undefined,
  known: readonly string[],
  fields: FilterFields,
  tags: Record<string, string>,
): boolean {
  for (const filter of filters ?? []) {
    const name = filter.Name ?? "";
    const values = filter.Values ?? [];
    if (name.startsWith("tag:")) {
      if (!anyMatches(tags[name.slice(4)], values)) return false;
    } else if (name === "tag-key") {
      if (!anyMatches(Object.keys(tags), values)) return false;
    } else if (name === "tag-value") {
      if (!anyMatches(Object.values(tags), values)) return false;
    } else if (known.includes(name)) {
      if (!anyMatches(fields[name], values)) return false;
    } else {
      throw ec2Error("InvalidParameterValue", `The filter '${name}' is invalid`);
    }
  }
  return true;
}

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Key, Value]) => ({ Key, Value }));
}
