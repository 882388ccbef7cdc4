/**
 * The stack's side of least-privilege IAM: the statements of access-documents.ts (the one pure source,
 * shared with the sandbox, which enforces them) as CDK PolicyStatements, with the stack's tokens for
 * partition, region, account and the table's ARN.
 */
import type { Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import {
  type AccessKind,
  type AccessTarget,
  accessStatements,
  operatorStatements,
  type PolicyStatementJson,
  policyDocument,
} from "./access-documents";

export * from "./access-documents";

export interface AccessContext {
  stack: Stack;
  table: ITable;
  /** Clusters this stage manages; empty means "any cluster carrying the tag". */
  clusters: string[];
  /** Names of Tugboat's state machines, whose executions a step may describe (stale-lock recovery). */
  stateMachineNames: string[];
}

export function accessTargetOf(ctx: AccessContext): AccessTarget {
  return {
    partition: ctx.stack.partition,
    region: ctx.stack.region,
    account: ctx.stack.account,
    tableArn: ctx.table.tableArn,
    clusters: ctx.clusters,
    stateMachineNames: ctx.stateMachineNames,
  };
}

export function statementsForAccess(kinds: readonly AccessKind[], ctx: AccessContext): PolicyStatement[] {
  return accessStatements(kinds, accessTargetOf(ctx)).map(toCdkStatement);
}

export function toCdkStatement(statement: PolicyStatementJson): PolicyStatement {
  return PolicyStatement.fromJson(statement);
}

/**
 * The operator policy (what `tug` needs against this stack, see operatorStatements): a managed policy to
 * attach to the people and CI roles that run `tug`, and its JSON as an output for those who copy it.
 */
export function createOperatorPolicy(
  stack: Stack,
  props: { target: AccessContext; stateMachineNames: string[] },
): { policy: ManagedPolicy; json: string } {
  const target = accessTargetOf(props.target);
  const statements = operatorStatements(target, {
    stateMachineArns: props.stateMachineNames.map(
      (name) => `arn:${target.partition}:states:${target.region}:${target.account}:stateMachine:${name}`,
    ),
    stateMachineNames: props.stateMachineNames,
  });
  const policy = new ManagedPolicy(stack, "OperatorPolicy", {
    description: "Tugboat operator: start and follow roll and upgrade runs, read and abort runs (tug)",
    statements: statements.map(toCdkStatement),
  });
  return { policy, json: stack.toJsonString(policyDocument(statements)) };
}
