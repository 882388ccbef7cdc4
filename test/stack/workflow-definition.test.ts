import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { constructIdForModule, stepModules } from "../../stacks/lib/step-functions";
import {
  placeholdersIn,
  readWorkflowDefinition,
  resolveDefinitionFile,
  taskResources,
} from "../../stacks/lib/workflow-definition";
import { stateMachineName } from "../../stacks/lib/workflow-state-machine";
import { rollNodeGroup, type WorkflowSpec } from "../../workflows/index";

const root = resolve(import.meta.dirname, "../..");

const scratch = mkdtempSync(join(tmpdir(), "tugboat-definition-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let written = 0;
function specWithDefinition(definition: unknown, functions: WorkflowSpec["functions"]): WorkflowSpec {
  const file = join(scratch, `probe-${++written}.asl.json`);
  writeFileSync(file, JSON.stringify(definition));
  return { name: "probe", file, functions };
}

const invoke = (placeholder: string) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: `\${${placeholder}}`, "Payload.$": "$" },
  End: true,
});

describe("resolveDefinitionFile", () => {
  it("uses the spec's file when it exists", () => {
    expect(resolveDefinitionFile(rollNodeGroup, root)).toBe(rollNodeGroup.file);
  });

  it("finds the file under <root>/workflows when the spec was computed from a bundle at the root", () => {
    const bundled = { ...rollNodeGroup, file: join(root, "roll-node-group.asl.json") };
    expect(resolveDefinitionFile(bundled, root)).toBe(join(root, "workflows", "roll-node-group.asl.json"));
  });

  it("names both places it looked when the file is nowhere", () => {
    const missing = { ...rollNodeGroup, file: "/nowhere/missing.asl.json" };
    expect(() => resolveDefinitionFile(missing, root)).toThrow(
      `workflow roll-node-group: its definition is not at /nowhere/missing.asl.json nor at ${join(root, "workflows", "missing.asl.json")}`,
    );
  });
});

describe("readWorkflowDefinition", () => {
  it("returns the text as written and its placeholders", () => {
    const definition = readWorkflowDefinition(rollNodeGroup, root);
    expect(definition.placeholders.sort()).toEqual(Object.keys(rollNodeGroup.functions).sort());
    expect(definition.text).toContain(`\${PlanRollFunctionArn}`);
  });

  it("refuses a placeholder that no step function fills", () => {
    const spec = specWithDefinition({ StartAt: "A", States: { A: invoke("GhostFunctionArn") } }, {});
    expect(() => readWorkflowDefinition(spec, root)).toThrow(/uses \$\{GhostFunctionArn\}, which workflows/);
  });

  it("refuses a declared step function the definition never invokes", () => {
    const spec = specWithDefinition(
      { StartAt: "A", States: { A: invoke("UsedFunctionArn") } },
      {
        UsedFunctionArn: { module: "functions/steps/plan-roll", access: [] },
        SpareFunctionArn: { module: "functions/steps/validate-batch", access: [] },
      },
    );
    expect(() => readWorkflowDefinition(spec, root)).toThrow(/declares SpareFunctionArn, which its definition never/);
  });

  it("refuses an integration the state machine role is not granted", () => {
    const spec = specWithDefinition(
      {
        StartAt: "Child",
        States: { Child: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", End: true } },
      },
      {},
    );
    expect(() => readWorkflowDefinition(spec, root)).toThrow(/uses arn:aws:states:::states:startExecution.sync:2/);
  });
});

describe("definition scanning", () => {
  it("finds placeholders once each, in order", () => {
    const ref = (name: string) => `\${${name}}`;
    const text = JSON.stringify({ a: ref("B"), b: ref("A"), c: ref("B"), d: "$.x" });
    expect(placeholdersIn(text)).toEqual(["B", "A"]);
  });

  it("finds Task resources inside Parallel branches and Map processors", () => {
    const definition = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "T", States: { T: { Type: "Task", Resource: "r1", End: true } } }],
          Next: "M",
        },
        M: {
          Type: "Map",
          ItemProcessor: { StartAt: "U", States: { U: { Type: "Task", Resource: "r2", End: true } } },
          End: true,
        },
      },
    };
    expect(taskResources(definition)).toEqual(["r1", "r2"]);
  });
});

describe("step modules", () => {
  it("derives readable, distinct construct ids from module paths", () => {
    expect(constructIdForModule("functions/steps/plan-roll")).toBe("StepsPlanRoll");
    expect(constructIdForModule("functions/events/plan-roll")).toBe("EventsPlanRoll");
  });

  it("deploys a module shared by two workflows once, and refuses it when their access lists disagree", () => {
    const shared = {
      module: "functions/steps/acquire-lock",
      access: ["dynamodb:GetItem", "states:DescribeExecution"] as const,
    };
    const a: WorkflowSpec = {
      name: "a",
      file: "a.json",
      functions: { LockArn: { ...shared, access: [...shared.access] } },
    };
    const b: WorkflowSpec = {
      name: "b",
      file: "b.json",
      functions: { Lock: { ...shared, access: ["states:DescribeExecution", "dynamodb:GetItem"] } },
    };
    expect([...stepModules([a, b]).keys()]).toEqual(["functions/steps/acquire-lock"]);
    const c: WorkflowSpec = {
      name: "c",
      file: "c.json",
      functions: { Lock: { ...shared, access: ["dynamodb:GetItem"] } },
    };
    expect(() => stepModules([a, c])).toThrow(
      /declared with access \[dynamodb:GetItem, states:DescribeExecution\] and, for c Lock, with \[dynamodb:GetItem\]/,
    );
  });

  it("names state machines after stage and app, within AWS's 80 characters", () => {
    expect(stateMachineName({ stage: "prod", name: "tugboat" }, "roll-node-group")).toBe(
      "prod-tugboat-roll-node-group",
    );
    expect(() => stateMachineName({ stage: "x".repeat(70), name: "tugboat" }, "roll-node-group")).toThrow(/80/);
  });
});
