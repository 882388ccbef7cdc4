/**
 * Label and field selectors, as the API server parses them from `labelSelector` / `fieldSelector`
 * query parameters and from LabelSelector objects (PodDisruptionBudget spec.selector).
 */

export type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectorError";
  }
}

/** Splits on commas that are not inside parentheses ("a in (x,y),b" → ["a in (x,y)", "b"]). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

export function parseLabelSelector(text: string | undefined): Requirement[] {
  if (!text) return [];
  return splitTopLevel(text).map(parseLabelRequirement);
}

function parseLabelRequirement(term: string): Requirement {
  const setMatch = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const values = (setMatch[3] ?? "")
      .split(",")
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    return { key: setMatch[1] as string, operator: setMatch[2] === "in" ? "In" : "NotIn", values };
  }
  const equality = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(term);
  if (equality) {
    const value = equality[3] ?? "";
    return { key: equality[1] as string, operator: equality[2] === "!=" ? "NotIn" : "In", values: [value] };
  }
  const notExists = /^!\s*([^\s!=()]+)$/.exec(term);
  if (notExists) return { key: notExists[1] as string, operator: "DoesNotExist", values: [] };
  if (/^[^\s!=()]+$/.test(term)) return { key: term, operator: "Exists", values: [] };
  throw new SelectorError(`unable to parse requirement: "${term}"`);
}

/** A LabelSelector object (matchLabels + matchExpressions) as requirements. */
export function compileLabelSelector(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): Requirement[] {
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "In",
    values: [value],
  }));
  for (const expression of selector.matchExpressions ?? []) {
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(expression.operator)) {
      throw new SelectorError(`"${expression.operator}" is not a valid label selector operator`);
    }
    requirements.push({
      key: expression.key,
      operator: expression.operator as Operator,
      values: expression.values ?? [],
    });
  }
  return requirements;
}

export function matchesSelector(labels: Record<string, string>, requirements: Requirement[]): boolean {
  return requirements.every((requirement) => {
    const has = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      case "In":
        return has && requirement.values.includes(value as string);
      case "NotIn":
        return !has || !requirement.values.includes(value as string);
    }
    return false;
  });
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** `spec.nodeName=ip-10-0-1-5.ec2.internal,status.phase!=Succeeded`; `\,` `\=` `\\` escape. */
export function parseFieldSelector(text: string | undefined): FieldRequirement[] {
  if (!text) return [];
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "\\" && i + 1 < text.length) {
      current += `\\${text[i + 1]}`;
      i += 1;
    } else if (char === ",") {
      terms.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms
    .filter((term) => term.trim().length > 0)
    .map((term) => {
      const match = /^([^=!]+?)(==|=|!=)(.*)$/.exec(term.trim());
      if (!match) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
      return {
        field: (match[1] as string).trim(),
        value: (match[3] as string).replace(/\\(.)/g, "$1"),
        negate: match[2] === "!=",
      };
    });
}

/** Upstream answers a field it does not index with 400 `field label not supported`. */
export function assertSupportedFields(requirements: FieldRequirement[], supported: string[], resource: string): void {
  for (const requirement of requirements) {
    if (!supported.includes(requirement.field)) {
      throw new SelectorError(`field label not supported: ${requirement.field} (for ${resource})`);
    }
  }
}

export function matchesFields(
  fieldValues: Record<string, string | undefined>,
  requirements: FieldRequirement[],
): boolean {
  return requirements.every((requirement) => {
    const value = fieldValues[requirement.field] ?? "";
    return requirement.negate ? value !== requirement.value : value === requirement.value;
  });
}
