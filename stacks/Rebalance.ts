/**
 * What starts rebalance-azs besides `tug rebalance` (workflows/rebalance-rules.ts): per managed cluster, a
 * daily schedule and a five-minute check for pods Pending for their volume's zone; for every cluster, failed
 * launches for lack of capacity. Each rule starts the state machine the Workflows stack built.
 */
import { EventField, Rule, RuleTargetInput, Schedule } from "aws-cdk-lib/aws-events";
import { SfnStateMachine } from "aws-cdk-lib/aws-events-targets";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { StackContext } from "sst/constructs";
import { use } from "sst/constructs";
import { rebalanceAzs } from "../workflows/index";
import { REBALANCE_RULES, type RuleInputValue } from "../workflows/rebalance-rules";
import { readStackSettings } from "./lib/settings";
import { Workflows } from "./Workflows";

function targetInput(input: Record<string, RuleInputValue>, cluster?: string): RuleTargetInput {
  const fields: Record<string, string> = cluster ? { cluster } : {};
  for (const [key, value] of Object.entries(input)) {
    fields[key] = typeof value === "string" ? value : EventField.fromPath(value.path);
  }
  return RuleTargetInput.fromObject(fields);
}

/** A construct id suffix from a cluster name (letters and digits only). */
function idOf(cluster: string): string {
  return cluster.replace(/[^A-Za-z0-9]/g, "");
}

export function Rebalance({ stack }: StackContext) {
  const { stateMachines } = use(Workflows);
  const machine = stateMachines[rebalanceAzs.name];
  if (!machine) throw new Error(`the Workflows stack has no ${rebalanceAzs.name} state machine`);
  const settings = readStackSettings();
  // One role for every rule, in this stack: without it CDK would add one to the state machine's stack.
  // The target grants it states:StartExecution on the rebalance state machine only.
  const role = new Role(stack, "RebalanceRulesRole", { assumedBy: new ServicePrincipal("events.amazonaws.com") });
  const target = (input: RuleTargetInput) => new SfnStateMachine(machine, { input, role });
  const rules: Rule[] = [];
  for (const spec of REBALANCE_RULES) {
    if (spec.schedule) {
      // A schedule needs the cluster in the input: one rule per managed cluster.
      for (const cluster of settings.clusters) {
        rules.push(
          new Rule(stack, `${spec.id}${idOf(cluster)}`, {
            description: `Tugboat: ${spec.description} (${cluster})`,
            schedule: Schedule.expression(spec.schedule),
            targets: [target(targetInput(spec.input, cluster))],
          }),
        );
      }
    }
    if (spec.pattern) {
      const { source, "detail-type": detailType, detail } = spec.pattern;
      rules.push(
        new Rule(stack, spec.id, {
          description: `Tugboat: ${spec.description}`,
          eventPattern: {
            source: source as string[],
            detailType: detailType as string[],
            ...(detail ? { detail: detail as Record<string, unknown> } : {}),
          },
          targets: [target(targetInput(spec.input))],
        }),
      );
    }
  }
  return { rules, role };
}
