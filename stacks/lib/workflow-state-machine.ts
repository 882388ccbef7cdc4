/**
 * A workflow's state machine: its ASL text as written (placeholders filled by definitionSubstitutions),
 * STANDARD type, errors logged with execution data, X-Ray tracing, and a role that may invoke exactly
 * the step functions the definition names.
 */
import { Fn, type RemovalPolicy, type Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from "aws-cdk-lib/aws-stepfunctions";
import type { WorkflowSpec } from "../../workflows/index";
import { stateMachineStatements } from "./access-documents";
import type { DeployedStep } from "./step-functions";
import type { WorkflowDefinition } from "./workflow-definition";

export const STATE_MACHINE_LOG_RETENTION = RetentionDays.ONE_MONTH;

/** "roll-node-group" → "RollNodeGroup". */
export function workflowConstructId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/**
 * Fixed names, so step roles can be granted DescribeExecution on Tugboat's executions without a
 * reference to the state machines (which would make functions and state machines depend on each other).
 */
export function stateMachineName(app: { stage: string; name: string }, workflow: string): string {
  const name = `${app.stage}-${app.name}-${workflow}`;
  if (name.length > 80) throw new Error(`state machine name ${name} is longer than the 80 characters AWS allows`);
  return name;
}

/**
 * `/aws/vendedlogs/states/<state machine>-<8 hex digits>`. The vendedlogs prefix keeps CloudWatch Logs'
 * resource policy from growing with every state machine. The suffix is the first block of the stack's id,
 * a UUID CloudFormation draws when it creates the stack: a stage's log groups outlive `sst remove`
 * (kept for the record, stages other than dev), and a fixed name would make the next deploy of that
 * stage fail on "already exists". Stable across updates of one stack, new for a stack created again.
 */
export function stateMachineLogGroupName(stack: Stack, stateMachine: string): string {
  const stackUuid = Fn.select(2, Fn.split("/", stack.stackId));
  return `/aws/vendedlogs/states/${stateMachine}-${Fn.select(0, Fn.split("-", stackUuid))}`;
}

export interface WorkflowStateMachineProps {
  spec: WorkflowSpec;
  definition: WorkflowDefinition;
  name: string;
  steps: Map<string, DeployedStep>;
  removalPolicy: RemovalPolicy;
  /** Workflow name → its state machine name, for child executions (spec.children). */
  stateMachineNames: Map<string, string>;
}

function stateMachineArn(stack: Stack, name: string): string {
  return `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:${name}`;
}

export function createWorkflowStateMachine(stack: Stack, props: WorkflowStateMachineProps): StateMachine {
  const { spec, definition, name } = props;
  const id = workflowConstructId(spec.name);

  const substitutions: Record<string, string> = {};
  const invoked = new Map<string, DeployedStep>();
  const children: string[] = [];
  for (const placeholder of definition.placeholders) {
    const child = spec.children?.[placeholder];
    if (child) {
      const childName = props.stateMachineNames.get(child);
      if (!childName) throw new Error(`workflow ${spec.name}: \${${placeholder}} names unknown workflow ${child}`);
      substitutions[placeholder] = stateMachineArn(stack, childName);
      children.push(childName);
      continue;
    }
    const fnSpec = spec.functions[placeholder];
    const step = fnSpec ? props.steps.get(fnSpec.module) : undefined;
    if (!step) throw new Error(`workflow ${spec.name}: no step function was created for \${${placeholder}}`);
    substitutions[placeholder] = step.fn.functionArn;
    invoked.set(step.module, step);
  }

  const logGroup = new LogGroup(stack, `${id}Logs`, {
    logGroupName: stateMachineLogGroupName(stack, name),
    retention: STATE_MACHINE_LOG_RETENTION,
    removalPolicy: props.removalPolicy,
  });

  const machine = new StateMachine(stack, `${id}StateMachine`, {
    stateMachineName: name,
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromString(definition.text),
    definitionSubstitutions: substitutions,
    // Without execution data: an approval task's parameters hold its task token, which only the store keeps.
    logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
    tracingEnabled: true,
  });
  // The same statements the sandbox enforces for this state machine (stacks/lib/access-documents.ts).
  const statements = stateMachineStatements(
    {
      partition: stack.partition,
      region: stack.region,
      account: stack.account,
      tableArn: "",
      clusters: [],
      stateMachineNames: [],
    },
    { functionArns: [...invoked.values()].map((step) => step.fn.functionArn), childStateMachineNames: children },
  );
  for (const statement of statements) machine.addToRolePolicy(PolicyStatement.fromJson(statement));
  return machine;
}
