/**
 * Structural rules for Tugboat's ASL definitions (DESIGN §4) that asl-validator does not check. Each
 * returns the offending state names (or paths), empty when the definition complies, so a failing test
 * says where to look. State machines nested in Parallel branches and Map processors are checked too.
 */

type State = Record<string, unknown>;
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
}

/** Lambda service errors Step Functions recommends retrying on every lambda:invoke Task. */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];
export const RETRYABLE_ERROR = "RetryableError";

/** The definition and every machine nested in it, each labelled with where it sits. */
export function machinesIn(
  definition: StateMachineDefinition,
  label = "top level",
): [string, StateMachineDefinition][] {
  const nested = Object.entries(definition.States).flatMap(([name, state]) => {
    const children: [string, StateMachineDefinition][] = [];
    if (state["Type"] === "Parallel") {
      (state["Branches"] as StateMachineDefinition[]).forEach((branch, i) => {
        children.push(...machinesIn(branch, `${label} > ${name} branch ${i}`));
      });
    }
    if (state["Type"] === "Map") {
      const processor = (state["ItemProcessor"] ?? state["Iterator"]) as StateMachineDefinition;
      children.push(...machinesIn(processor, `${label} > ${name}`));
    }
    return children;
  });
  return [[label, definition], ...nested];
}

function transitionsOf(state: State): string[] {
  const targets: string[] = [];
  if (typeof state["Next"] === "string") targets.push(state["Next"]);
  if (typeof state["Default"] === "string") targets.push(state["Default"]);
  for (const choice of (state["Choices"] as State[] | undefined) ?? []) {
    if (typeof choice["Next"] === "string") targets.push(choice["Next"]);
  }
  for (const handler of (state["Catch"] as State[] | undefined) ?? []) {
    if (typeof handler["Next"] === "string") targets.push(handler["Next"]);
  }
  return targets;
}

/** States that no path from StartAt reaches, in every machine of the definition. */
export function unreachableStates(definition: StateMachineDefinition): string[] {
  return machinesIn(definition).flatMap(([label, machine]) => {
    const seen = new Set<string>();
    const queue = [machine.StartAt];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name) || !(name in machine.States)) continue;
      seen.add(name);
      queue.push(...transitionsOf(machine.States[name]!));
    }
    return Object.keys(machine.States)
      .filter((name) => !seen.has(name))
      .map((name) => `${label}: ${name}`);
  });
}

/**
 * Choice states that can match nothing (States.NoChoiceMatched at run time): no Default, and no pair
 * of rules that together cover every value (BooleanEquals true and false on the same path).
 */
export function choicesWithoutExit(definition: StateMachineDefinition): string[] {
  return machinesIn(definition).flatMap(([label, machine]) =>
    Object.entries(machine.States)
      .filter(([, state]) => state["Type"] === "Choice" && state["Default"] === undefined)
      .filter(([, state]) => !coversBothBooleans((state["Choices"] as State[]) ?? []))
      .map(([name]) => `${label}: ${name}`),
  );
}

function coversBothBooleans(choices: State[]): boolean {
  const seen = new Map<string, Set<boolean>>();
  for (const choice of choices) {
    if (typeof choice["Variable"] !== "string" || typeof choice["BooleanEquals"] !== "boolean") continue;
    const values = seen.get(choice["Variable"]) ?? new Set<boolean>();
    values.add(choice["BooleanEquals"]);
    seen.set(choice["Variable"], values);
  }
  return [...seen.values()].some((values) => values.size === 2);
}

/** Task states lacking a Retry for the Lambda service errors or for RetryableError. */
export function tasksWithoutRetry(definition: StateMachineDefinition): string[] {
  return machinesIn(definition).flatMap(([label, machine]) =>
    Object.entries(machine.States)
      // Lambda tasks; a child-execution task has no Lambda errors to retry and retries its own.
      .filter(([, state]) => state["Type"] === "Task" && state["Resource"] === "arn:aws:states:::lambda:invoke")
      .filter(([, state]) => {
        const retried = new Set(
          ((state["Retry"] as State[] | undefined) ?? []).flatMap((r) => r["ErrorEquals"] as string[]),
        );
        return ![...LAMBDA_SERVICE_ERRORS, RETRYABLE_ERROR].every((error) => retried.has(error));
      })
      .map(([name]) => `${label}: ${name}`),
  );
}

/**
 * JSON paths where the definition uses what the local interpreter silently ignores: JSONata as query
 * language, or Assign variables.
 */
export function interpreterGaps(definition: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`);
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      const here = `${path}.${key}`;
      if (key === "Assign") found.push(here);
      if (key === "QueryLanguage" && child === "JSONata") found.push(here);
      visit(child, here);
    }
  };
  visit(definition, "$");
  return found;
}

/**
 * Catchers that come after a States.ALL one (never reached: Step Functions takes the first match), and
 * States.ALL catchers that are not the last: the catch-all is the last resort for the unexpected.
 */
export function catchersShadowedByStatesAll(definition: StateMachineDefinition): string[] {
  return machinesIn(definition).flatMap(([label, machine]) =>
    Object.entries(machine.States)
      .filter(([, state]) => {
        const catchers = (state["Catch"] as State[] | undefined) ?? [];
        const all = catchers.findIndex((c) => (c["ErrorEquals"] as string[]).includes("States.ALL"));
        return all !== -1 && all !== catchers.length - 1;
      })
      .map(([name]) => `${label}: ${name}`),
  );
}

/** Retriers of RetryableError without bounded attempts, exponential backoff and full jitter. */
export function retriesWithoutBackoffAndJitter(definition: StateMachineDefinition): string[] {
  return machinesIn(definition).flatMap(([label, machine]) =>
    Object.entries(machine.States)
      .filter(([, state]) =>
        ((state["Retry"] as State[] | undefined) ?? []).some(
          (r) =>
            (r["ErrorEquals"] as string[]).includes(RETRYABLE_ERROR) &&
            !(
              typeof r["MaxAttempts"] === "number" &&
              r["MaxAttempts"] > 0 &&
              typeof r["BackoffRate"] === "number" &&
              r["BackoffRate"] > 1 &&
              r["JitterStrategy"] === "FULL"
            ),
        ),
      )
      .map(([name]) => `${label}: ${name}`),
  );
}

/** Where a state sends an error of that name: the Next of its first matching catcher, if any. */
export function catchTarget(definition: StateMachineDefinition, stateName: string, error: string): string | undefined {
  for (const [, machine] of machinesIn(definition)) {
    const state = machine.States[stateName];
    if (!state) continue;
    const catchers = (state["Catch"] as State[] | undefined) ?? [];
    const match = catchers.find((c) => {
      const names = c["ErrorEquals"] as string[];
      return names.includes(error) || names.includes("States.ALL");
    });
    return match?.["Next"] as string | undefined;
  }
  return undefined;
}

/** Error names some catcher names explicitly (not through States.ALL). */
export function errorsCaughtByName(definition: StateMachineDefinition): Set<string> {
  return new Set(
    machinesIn(definition).flatMap(([, machine]) =>
      Object.values(machine.States).flatMap((state) =>
        ((state["Catch"] as State[] | undefined) ?? [])
          .flatMap((c) => c["ErrorEquals"] as string[])
          .filter((n) => n !== "States.ALL"),
      ),
    ),
  );
}
