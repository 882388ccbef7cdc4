/**
 * Every workflow in workflows/index.ts as a Step Functions state machine, and its steps as Lambda
 * functions with least-privilege roles. Settings come from the environment (stacks/lib/settings.ts).
 */
import type { StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { type StackContext, use } from "sst/constructs";
import { useProject } from "sst/project.js";
import { operatorWorkflows, workflows } from "../workflows/index";
import { createOperatorPolicy } from "./lib/access-policies";
import { createEksAccessEntries, kubeRoleArnsOutput } from "./lib/kube-access";
import { importStepNetwork } from "./lib/network";
import { readStackSettings } from "./lib/settings";
import { removalPolicyFor } from "./lib/stage";
import { createStepFunctions } from "./lib/step-functions";
import { readWorkflowDefinition } from "./lib/workflow-definition";
import { createWorkflowStateMachine, stateMachineName, workflowConstructId } from "./lib/workflow-state-machine";
import { State } from "./State";

export function Workflows({ stack, app }: StackContext) {
  const { table } = use(State);
  const settings = readStackSettings();
  const specs = Object.values(workflows);
  const projectRoot = useProject().paths.root;

  // Read and check every definition before creating anything, so a mismatch fails with its own message.
  const definitions = new Map(specs.map((spec) => [spec.name, readWorkflowDefinition(spec, projectRoot)]));
  const names = new Map(specs.map((spec) => [spec.name, stateMachineName(app, spec.name)]));

  const network = settings.vpc ? importStepNetwork(stack, settings.vpc) : undefined;
  const steps = createStepFunctions(stack, specs, {
    access: { stack, table, clusters: settings.clusters, stateMachineNames: [...names.values()] },
    ...(network ? { network } : {}),
  });

  const stateMachines: Record<string, StateMachine> = {};
  const outputs: Record<string, string> = {};
  for (const spec of specs) {
    const machine = createWorkflowStateMachine(stack, {
      spec,
      definition: definitions.get(spec.name)!,
      name: names.get(spec.name)!,
      steps,
      removalPolicy: removalPolicyFor(app),
      stateMachineNames: names,
    });
    stateMachines[spec.name] = machine;
    outputs[`${workflowConstructId(spec.name)}StateMachineArn`] = machine.stateMachineArn;
  }

  createEksAccessEntries(stack, settings.eksAccessEntryClusters, steps);

  const operator = createOperatorPolicy(stack, {
    target: { stack, table, clusters: settings.clusters, stateMachineNames: [...names.values()] },
    stateMachineNames: operatorWorkflows.map((w) => names.get(w.name)!),
  });
  stack.addOutputs({
    ...outputs,
    TableName: table.tableName,
    KubeRoleArns: kubeRoleArnsOutput(steps),
    ...(network ? { StepSecurityGroupId: network.securityGroup.securityGroupId } : {}),
    OperatorPolicy: operator.json,
    OperatorPolicyArn: operator.policy.managedPolicyArn,
  });
  return { stateMachines, steps, network };
}
