/**
 * Reactions to EC2 instance events (docs/events.md): EventBridge rules (workflows/event-rules.ts) →
 * one SQS queue with a dead-letter queue → the receive function (partial batch responses) → the
 * react-to-instance-event state machine, which the Workflows stack builds from workflows/index.ts like
 * every other workflow.
 *
 * Timings are chosen for the Spot deadline (two minutes): no batching window, a short function timeout,
 * and a visibility timeout of six times that timeout (the ratio AWS recommends for SQS event sources),
 * so a message handed back is retried within about a minute and a half.
 */
import { Duration } from "aws-cdk-lib";
import { Rule } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Function as ReceiveFunction, type StackContext, use } from "sst/constructs";
import { RECEIVE_ENVIRONMENT } from "../functions/events/lib/receive-environment";
import { EVENT_RULES } from "../workflows/event-rules";
import { reactToInstanceEvent, workflows } from "../workflows/index";
import { startReactionsStatement, statementsForAccess, toCdkStatement } from "./lib/access-policies";
import { BUNDLED_FUNCTION_ENVIRONMENT, nodejsBundling } from "./lib/bundling";
import { createEksAccessEntries, kubeRoleArnsOutput } from "./lib/kube-access";
import { RECEIVE_ACCESS, RECEIVE_FUNCTION, RECEIVE_MODULE } from "./lib/receive-function";
import { readStackSettings } from "./lib/settings";
import { SERVICE_NAME } from "./lib/step-functions";
import { stateMachineName } from "./lib/workflow-state-machine";
import { State } from "./State";
import { Workflows } from "./Workflows";

export { RECEIVE_ACCESS, RECEIVE_MODULE } from "./lib/receive-function";
export const RECEIVE_TIMEOUT_SECONDS = 15;
export const RECEIVE_BATCH_SIZE = 10;
/** A message still failing after this many deliveries goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

export function Events({ stack, app }: StackContext) {
  const { table } = use(State);
  const { stateMachines, network } = use(Workflows);
  const machine = stateMachines[reactToInstanceEvent.name];
  if (!machine) throw new Error(`the Workflows stack has no ${reactToInstanceEvent.name} state machine`);
  const settings = readStackSettings();

  const deadLetters = new Queue(stack, "EventsDeadLetterQueue", {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(stack, "EventsQueue", {
    visibilityTimeout: Duration.seconds(RECEIVE_TIMEOUT_SECONDS * 6),
    // Older than a day, an instance event describes a world that has moved on.
    retentionPeriod: Duration.days(1),
    // SSE-SQS: EventBridge can send to it without a KMS key policy.
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
  });

  for (const rule of EVENT_RULES) {
    const { source, "detail-type": detailType, detail } = rule.pattern;
    new Rule(stack, rule.id, {
      description: `Tugboat: ${rule.description}`,
      eventPattern: {
        source: source as string[],
        detailType: detailType as string[],
        ...(detail ? { detail: detail as Record<string, unknown> } : {}),
      },
      // What EventBridge cannot put in the queue lands in the dead-letter queue, not nowhere.
      targets: [
        new SqsQueue(queue, { deadLetterQueue: deadLetters, maxEventAge: Duration.hours(1), retryAttempts: 20 }),
      ],
    });
  }

  const receive = new ReceiveFunction(stack, "EventsReceive", {
    handler: `${RECEIVE_MODULE}.handler`,
    timeout: RECEIVE_TIMEOUT_SECONDS,
    memorySize: 512,
    environment: {
      ...BUNDLED_FUNCTION_ENVIRONMENT,
      [RECEIVE_ENVIRONMENT.table]: table.tableName,
      [RECEIVE_ENVIRONMENT.stateMachine]: machine.stateMachineArn,
      [RECEIVE_ENVIRONMENT.clusters]: settings.clusters.join(","),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    },
    nodejs: nodejsBundling(RECEIVE_FUNCTION),
    // The steps' network and security group (one group for every function to admit to the clusters).
    ...(network
      ? { vpc: network.vpc, vpcSubnets: { subnets: network.subnets }, securityGroups: [network.securityGroup] }
      : {}),
  });
  const access = {
    stack,
    table,
    clusters: settings.clusters,
    stateMachineNames: Object.keys(workflows).map((name) => stateMachineName(app, name)),
  };
  for (const statement of statementsForAccess(RECEIVE_ACCESS, access)) receive.addToRolePolicy(statement);
  receive.addToRolePolicy(toCdkStatement(startReactionsStatement(machine.stateMachineArn)));
  receive.addEventSource(
    new SqsEventSource(queue, {
      batchSize: RECEIVE_BATCH_SIZE,
      // No batching window: a Spot warning must not wait for company.
      maxBatchingWindow: Duration.seconds(0),
      reportBatchItemFailures: true,
    }),
  );

  const kubeFunctions = new Map([[RECEIVE_MODULE, { module: RECEIVE_MODULE, spec: RECEIVE_FUNCTION, fn: receive }]]);
  createEksAccessEntries(stack, settings.eksAccessEntryClusters, kubeFunctions);

  stack.addOutputs({
    EventsQueueUrl: queue.queueUrl,
    EventsDeadLetterQueueUrl: deadLetters.queueUrl,
    ReceiveRoleArn: receive.role?.roleArn ?? "",
    // Same key as the Workflows stack's: every stack's KubeRoleArns together are the roles that need an
    // access entry (docs/deploy.md). Kept per stack: a cross-stack list would pin the step roles as exports.
    KubeRoleArns: kubeRoleArnsOutput(kubeFunctions),
  });
  return { queue, deadLetters, receive };
}
