/**
 * The roles a deployed Tugboat runs under, with the policies the stack gives them, for the sandbox's
 * account, region and table: one role per step module (as the stack creates one function per module), the
 * receive function's, the operator's (the policy the stack outputs for people running `tug`), and the
 * roles of the state machines (they invoke the steps and start child workflows). Built from the same
 * pure functions the stack uses (stacks/lib/access-documents.ts), so what the sandbox enforces is what
 * the stack deploys; test/stack/sandbox-policies.test.ts holds the two together.
 */
import {
  type AccessTarget,
  accessStatements,
  operatorStatements,
  type PolicyDocumentJson,
  type PolicyStatementJson,
  policyDocument,
  slackStepFunctionsStatements,
  startReactionsStatement,
  stateMachineStatements,
} from "../../../stacks/lib/access-documents";
import {
  type AccessKind,
  chatWorkflows,
  operatorWorkflows,
  reactToInstanceEvent,
  receiveFunction,
  slackFunction,
  slackProgressFunction,
  type WorkflowSpec,
  workflows as workflowsByName,
} from "../../../workflows/index";

export interface SandboxRole {
  /** "steps-plan-roll", "events-receive", "operator", "state-machine-roll-node-group". */
  name: string;
  /** The role's ARN, and the session ARN calls are made as (what AWS names in an AccessDenied message). */
  roleArn: string;
  principal: string;
  policy: PolicyDocumentJson;
  /** Set for roles built from an access list. */
  access?: readonly AccessKind[];
}

export interface SandboxAccount {
  account: string;
  region: string;
  tableName: string;
  /** Clusters the sandbox's deployment manages (the TUGBOAT_CLUSTERS setting). */
  clusters: string[];
}

export const OPERATOR_ROLE = "operator";

/** "functions/steps/plan-roll" → "steps-plan-roll". */
export function roleNameForModule(module: string): string {
  return module.replace(/^functions\//, "").replace(/[/_.]+/g, "-");
}

/** The sandbox's state machine names (runner/local-workflow.ts builds execution ARNs with them). */
export function sandboxStateMachineName(workflow: string): string {
  return `tugboat-${workflow}`;
}

export function sandboxStateMachineArn(acct: SandboxAccount, workflow: string): string {
  return `arn:aws:states:${acct.region}:${acct.account}:stateMachine:${sandboxStateMachineName(workflow)}`;
}

export function sandboxTableArn(acct: SandboxAccount, tableName = acct.tableName): string {
  return `arn:aws:dynamodb:${acct.region}:${acct.account}:table/${tableName}`;
}

export function sandboxAccessTarget(acct: SandboxAccount): AccessTarget {
  return {
    partition: "aws",
    region: acct.region,
    account: acct.account,
    tableArn: sandboxTableArn(acct),
    clusters: acct.clusters,
    stateMachineNames: Object.keys(workflowsByName).map(sandboxStateMachineName),
  };
}

/** Every role of the deployment, by name. */
export function sandboxRoles(acct: SandboxAccount, workflows: WorkflowSpec[] = Object.values(workflowsByName)) {
  const target = sandboxAccessTarget(acct);
  const roles = new Map<string, SandboxRole>();
  const add = (name: string, statements: PolicyStatementJson[], access?: readonly AccessKind[]) => {
    const roleArn = `arn:aws:iam::${acct.account}:role/tugboat-${name}`;
    roles.set(name, {
      name,
      roleArn,
      principal: `arn:aws:sts::${acct.account}:assumed-role/tugboat-${name}/tugboat-${name}`,
      policy: policyDocument(statements),
      ...(access ? { access } : {}),
    });
  };
  for (const workflow of workflows) {
    for (const fn of Object.values(workflow.functions)) {
      add(roleNameForModule(fn.module), accessStatements(fn.access, target), fn.access);
    }
  }
  add(
    roleNameForModule(receiveFunction.module),
    [
      ...accessStatements(receiveFunction.access, target),
      startReactionsStatement(sandboxStateMachineArn(acct, reactToInstanceEvent.name)),
    ],
    receiveFunction.access,
  );
  add(
    roleNameForModule(slackFunction.module),
    [
      ...accessStatements(slackFunction.access, target),
      ...slackStepFunctionsStatements(chatWorkflows.map((w) => sandboxStateMachineArn(acct, w.name))),
    ],
    slackFunction.access,
  );
  add(
    roleNameForModule(slackProgressFunction.module),
    accessStatements(slackProgressFunction.access, target),
    slackProgressFunction.access,
  );
  add(
    OPERATOR_ROLE,
    operatorStatements(target, {
      stateMachineArns: operatorWorkflows.map((w) => sandboxStateMachineArn(acct, w.name)),
      stateMachineNames: operatorWorkflows.map((w) => sandboxStateMachineName(w.name)),
    }),
  );
  for (const workflow of workflows) {
    add(
      stateMachineRoleName(workflow.name),
      stateMachineStatements(target, {
        functionArns: [...new Set(Object.values(workflow.functions).map((f) => sandboxFunctionArn(acct, f.module)))],
        childStateMachineNames: Object.values(workflow.children ?? {}).map(sandboxStateMachineName),
      }),
    );
  }
  return roles;
}

export function stateMachineRoleName(workflow: string): string {
  return `state-machine-${workflow}`;
}

export function sandboxFunctionArn(acct: SandboxAccount, module: string): string {
  return `arn:aws:lambda:${acct.region}:${acct.account}:function:tugboat-${roleNameForModule(module)}`;
}
