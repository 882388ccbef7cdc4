/**
 * One Lambda per step module, however many workflows invoke it, each with its own role holding only
 * the permissions of its `access` list. Runtime, architecture, log retention and tracing come from the
 * app's default function props (sst.config.ts); bundling from the access list (bundling.ts).
 */
import type { ISecurityGroup, ISubnet, IVpc } from "aws-cdk-lib/aws-ec2";
import { type Stack, Function as StepFunction } from "sst/constructs";
import type { StepFunctionSpec, WorkflowSpec } from "../../workflows/index";
import { type AccessContext, statementsForAccess } from "./access-policies";
import { BUNDLED_FUNCTION_ENVIRONMENT, nodejsBundling } from "./bundling";

/** Steps are short and resumable; draining a large batch is the longest, well under this. */
export const STEP_TIMEOUT_SECONDS = 300;
export const STEP_MEMORY_MB = 512;
export const SERVICE_NAME = "tugboat";

export interface StepNetwork {
  vpc: IVpc;
  subnets: ISubnet[];
  securityGroup: ISecurityGroup;
}

export interface StepFunctionsProps {
  access: AccessContext;
  network?: StepNetwork;
}

export interface DeployedStep {
  module: string;
  spec: StepFunctionSpec;
  fn: StepFunction;
}

/** "functions/steps/plan-roll" → "StepsPlanRoll": readable in the console, unique per module path. */
export function constructIdForModule(module: string): string {
  const path = module.replace(/^functions\//, "");
  return path
    .split(/[/\-_.]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/**
 * The step modules of all workflows, once each. The same module named by two workflows must ask for the
 * same access: its one role cannot be least-privilege for two different lists.
 */
export function stepModules(workflows: WorkflowSpec[]): Map<string, StepFunctionSpec> {
  const byModule = new Map<string, StepFunctionSpec>();
  for (const workflow of workflows) {
    for (const [placeholder, spec] of Object.entries(workflow.functions)) {
      const seen = byModule.get(spec.module);
      if (!seen) {
        byModule.set(spec.module, spec);
        continue;
      }
      const a = [...new Set(seen.access)].sort().join(", ");
      const b = [...new Set(spec.access)].sort().join(", ");
      if (a !== b) {
        throw new Error(
          `step ${spec.module} is declared with access [${a}] and, for ${workflow.name} ${placeholder}, with [${b}]: ` +
            `make the two declarations agree`,
        );
      }
    }
  }
  return byModule;
}

export function createStepFunctions(
  stack: Stack,
  workflows: WorkflowSpec[],
  props: StepFunctionsProps,
): Map<string, DeployedStep> {
  const deployed = new Map<string, DeployedStep>();
  for (const [module, spec] of stepModules(workflows)) {
    const fn = new StepFunction(stack, constructIdForModule(module), {
      handler: `${module}.handler`,
      timeout: STEP_TIMEOUT_SECONDS,
      memorySize: STEP_MEMORY_MB,
      nodejs: nodejsBundling(spec),
      environment: {
        ...BUNDLED_FUNCTION_ENVIRONMENT,
        TUGBOAT_TABLE: props.access.table.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: props.network.subnets },
            securityGroups: [props.network.securityGroup],
          }
        : {}),
    });
    for (const statement of statementsForAccess(spec.access, props.access)) fn.addToRolePolicy(statement);
    deployed.set(module, { module, spec, fn });
  }
  return deployed;
}
