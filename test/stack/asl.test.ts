/**
 * Every workflow definition the stack deploys: valid ASL, placeholders in step with workflows/index.ts,
 * and Tugboat's conventions (retries, no interpreter gaps, no dead ends, no unreachable states). The
 * checks are first shown to catch a broken definition, so a green run means something.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as contract from "../../src/core/errors";
import { placeholdersIn } from "../../stacks/lib/workflow-definition";
import { loadDefinition, workflows } from "../../workflows/index";
import {
  catchersShadowedByStatesAll,
  catchTarget,
  choicesWithoutExit,
  errorsCaughtByName,
  interpreterGaps,
  retriesWithoutBackoffAndJitter,
  type StateMachineDefinition,
  tasksWithoutRetry,
  unreachableStates,
} from "./asl-checks";

interface AslValidation {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}
// asl-validator is CommonJS without type declarations.
const aslValidator = createRequire(import.meta.url)("asl-validator") as (definition: unknown) => AslValidation;

const specs = Object.values(workflows);
const load = (name: string) => loadDefinition(workflows[name]!) as unknown as StateMachineDefinition;

describe.each(specs.map((spec) => [spec.name, spec] as const))("workflow %s", (name, spec) => {
  it("is valid Amazon States Language", () => {
    // The validator writes defaults into what it is given.
    const result = aslValidator(structuredClone(loadDefinition(spec)));
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("names exactly the step functions and child workflows its spec declares", () => {
    const text = JSON.stringify(loadDefinition(spec));
    expect(placeholdersIn(text).sort()).toEqual(
      [...Object.keys(spec.functions), ...Object.keys(spec.children ?? {})].sort(),
    );
  });

  it("retries Lambda service errors and RetryableError on every Lambda Task", () => {
    expect(tasksWithoutRetry(load(name))).toEqual([]);
  });

  it("uses neither JSONata nor Assign, which the local interpreter would ignore", () => {
    expect(interpreterGaps(load(name))).toEqual([]);
  });

  it("has a way out of every Choice", () => {
    expect(choicesWithoutExit(load(name))).toEqual([]);
  });

  it("reaches every state from StartAt", () => {
    expect(unreachableStates(load(name))).toEqual([]);
  });

  it("keeps States.ALL as the last catcher, after the named errors", () => {
    expect(catchersShadowedByStatesAll(load(name))).toEqual([]);
  });

  it("retries RetryableError a bounded number of times with exponential backoff and full jitter", () => {
    expect(retriesWithoutBackoffAndJitter(load(name))).toEqual([]);
  });
});

describe("the error contract (src/core/errors.ts) is routed by name", () => {
  const roll = load("roll-node-group");
  const upgrade = load("upgrade-cluster");

  it("a lock held by another execution ends refused without touching that lock", () => {
    expect(catchTarget(roll, "Take cluster lock", "ClusterLockedError")).toBe("Summarize");
    expect(catchTarget(upgrade, "Take cluster lock", "ClusterLockedError")).toBe("Summarize");
    // Anything unexpected there goes through the owner-checked release instead.
    expect(catchTarget(roll, "Take cluster lock", "Lambda.Unknown")).toBe("Release cluster lock");
    expect(catchTarget(upgrade, "Take cluster lock", "Lambda.Unknown")).toBe("Release cluster lock");
    // A replacement reaction that gave up waiting for the lock ends in its owner-checked way out.
    expect(catchTarget(load("react-to-instance-event"), "Replace instance", "ClusterLockedError")).toBe(
      "Finish reaction",
    );
  });

  it("a PDB blocked too long, replacements not Ready and an invalidated plan restore the group first", () => {
    expect(catchTarget(roll, "Advance roll", "PdbBlockedTooLongError")).toBe("Restore group");
    expect(catchTarget(roll, "Advance roll", "ReplacementNotReadyError")).toBe("Restore group");
    expect(catchTarget(roll, "Advance roll", "PlanInvalidatedError")).toBe("Restore group");
    expect(roll.States["Restore group"]?.["Next"]).toBe("Release cluster lock");
    expect(roll.States["Release cluster lock"]?.["Next"]).toBe("Summarize");
    // The control plane's cleanup (sizes, processes) runs in the upgrade's lock release.
    expect(catchTarget(upgrade, "Roll control-plane nodes", "ReplacementNotReadyError")).toBe("Release cluster lock");
  });

  it("every named error of the contract is thrown somewhere and caught by name", () => {
    const named = (Object.values(contract) as unknown[])
      .filter(
        (value): value is new (message: string) => Error =>
          typeof value === "function" && value.prototype instanceof Error,
      )
      .map((ErrorClass) => new ErrorClass("x").name)
      .filter((n) => !["RetryableError", "TerminalError", "InvalidInputError"].includes(n));
    expect(named.sort()).toEqual(
      ["ClusterLockedError", "PdbBlockedTooLongError", "PlanInvalidatedError", "ReplacementNotReadyError"].sort(),
    );
    const caught = new Set([...errorsCaughtByName(roll), ...errorsCaughtByName(upgrade)]);
    for (const name of named) expect(caught.has(name), name).toBe(true);
  });
});

describe("the checks catch what they are for", () => {
  const [first] = specs;
  const broken = () => structuredClone(loadDefinition(first!)) as unknown as StateMachineDefinition;
  const firstOfType = (def: StateMachineDefinition, type: string) =>
    Object.entries(def.States).find(([, s]) => s["Type"] === type)!;

  it("asl-validator rejects a transition to a missing state", () => {
    const def = broken();
    const [, task] = firstOfType(def, "Task");
    task["Next"] = "No such state";
    expect(aslValidator(def).isValid).toBe(false);
  });

  it("a Task that stops retrying RetryableError is reported by name", () => {
    const def = broken();
    const [taskName, task] = firstOfType(def, "Task");
    task["Retry"] = (task["Retry"] as { ErrorEquals: string[] }[]).filter(
      (r) => !r.ErrorEquals.includes("RetryableError"),
    );
    expect(tasksWithoutRetry(def)).toEqual([`top level: ${taskName}`]);
  });

  it("JSONata and Assign are found wherever they are", () => {
    const def = broken() as unknown as Record<string, unknown>;
    def["QueryLanguage"] = "JSONata";
    const [taskName, task] = firstOfType(def as unknown as StateMachineDefinition, "Task");
    task["Assign"] = { x: 1 };
    expect(interpreterGaps(def).sort()).toEqual(["$.QueryLanguage", `$.States.${taskName}.Assign`]);
  });

  it("a Choice without Default is a dead end unless its rules cover both boolean values", () => {
    const def = broken();
    const [choiceName, choice] = firstOfType(def, "Choice");
    delete choice["Default"];
    expect(choicesWithoutExit(def)).toContain(`top level: ${choiceName}`);
    const rules = choice["Choices"] as Record<string, unknown>[];
    const rule = rules.find((r) => typeof r["BooleanEquals"] === "boolean")!;
    rules.push({ ...rule, BooleanEquals: !rule["BooleanEquals"] });
    expect(choicesWithoutExit(def)).not.toContain(`top level: ${choiceName}`);
  });

  it("a catcher placed after States.ALL is reported", () => {
    const def = broken();
    const [taskName, task] = firstOfType(def, "Task");
    task["Catch"] = [
      { ErrorEquals: ["States.ALL"], Next: "Summarize" },
      { ErrorEquals: ["ClusterLockedError"], Next: "Summarize" },
    ];
    expect(catchersShadowedByStatesAll(def)).toEqual([`top level: ${taskName}`]);
  });

  it("a RetryableError retrier without jitter is reported", () => {
    const def = broken();
    const [taskName, task] = firstOfType(def, "Task");
    for (const r of task["Retry"] as Record<string, unknown>[]) delete r["JitterStrategy"];
    expect(retriesWithoutBackoffAndJitter(def)).toEqual([`top level: ${taskName}`]);
  });

  it("a state no transition leads to is unreachable, including inside a Parallel branch", () => {
    const def = broken();
    def.States["Orphan"] = { Type: "Pass", End: true };
    def.States["Fan out"] = {
      Type: "Parallel",
      End: true,
      Branches: [{ StartAt: "A", States: { A: { Type: "Pass", End: true }, B: { Type: "Pass", End: true } } }],
    };
    expect(unreachableStates(def)).toEqual([
      "top level: Orphan",
      "top level: Fan out",
      "top level > Fan out branch 0: B",
    ]);
  });
});
