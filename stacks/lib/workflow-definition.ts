/**
 * Reads a workflow's ASL text for the stack and checks it against its spec before anything is deployed:
 * every "${Placeholder}" must name a step function and every step function must be used, and the only
 * service integration may be lambda:invoke (the state machine role is granted nothing else).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { WorkflowSpec } from "../../workflows/index";

export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
/** The callback pattern (approvals): the same lambda:InvokeFunction, then a wait for the task token. */
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";
/** Child workflow executions, run to completion with their output parsed as JSON. */
export const START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2";

export interface WorkflowDefinition {
  /** The ASL text with its placeholders, as `DefinitionBody.fromString` wants it. */
  text: string;
  /** Placeholder names in order of first appearance. */
  placeholders: string[];
}

/**
 * `spec.file` is computed from the module's own location. `sst deploy` bundles sst.config.ts and its
 * imports into one file at the project root, where that location is the root itself, so the file is
 * looked up again under <root>/workflows/ before giving up.
 */
export function resolveDefinitionFile(spec: WorkflowSpec, projectRoot: string): string {
  const candidates = [spec.file, join(projectRoot, "workflows", basename(spec.file))];
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw new Error(`workflow ${spec.name}: its definition is not at ${candidates.join(" nor at ")}`);
  }
  return found;
}

export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))];
}

export function readWorkflowDefinition(spec: WorkflowSpec, projectRoot: string): WorkflowDefinition {
  const file = resolveDefinitionFile(spec, projectRoot);
  const text = readFileSync(file, "utf8");
  const placeholders = placeholdersIn(text);
  checkPlaceholders(spec, placeholders);
  checkIntegrations(spec, JSON.parse(text));
  return { text, placeholders };
}

function checkPlaceholders(spec: WorkflowSpec, placeholders: string[]): void {
  const declared = [...Object.keys(spec.functions), ...Object.keys(spec.children ?? {})];
  const unknown = placeholders.filter((p) => !declared.includes(p));
  const unused = declared.filter((d) => !placeholders.includes(d));
  if (unknown.length > 0) {
    throw new Error(
      `workflow ${spec.name}: its definition uses ${unknown.map((p) => "${" + p + "}").join(", ")}, ` +
        `which workflows/index.ts does not map to a step function`,
    );
  }
  if (unused.length > 0) {
    throw new Error(
      `workflow ${spec.name}: workflows/index.ts declares ${unused.join(", ")}, which its definition never uses`,
    );
  }
}

/** Every Task resource in the definition, nested Parallel branches and Map processors included. */
export function taskResources(definition: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const node = value as Record<string, unknown>;
    if (node["Type"] === "Task" && typeof node["Resource"] === "string") found.push(node["Resource"]);
    for (const child of Object.values(node)) visit(child);
  };
  visit(definition);
  return found;
}

function checkIntegrations(spec: WorkflowSpec, definition: unknown): void {
  const lambda = [LAMBDA_INVOKE, LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN];
  const allowed = spec.children ? [...lambda, START_EXECUTION_SYNC] : lambda;
  const others = [...new Set(taskResources(definition).filter((r) => !allowed.includes(r)))];
  if (others.length > 0) {
    throw new Error(
      `workflow ${spec.name} uses ${others.join(", ")}; the stack grants its state machine ${allowed.join(" and ")} only ` +
        `(add the permissions in stacks/lib/workflow-state-machine.ts first)`,
    );
  }
}
