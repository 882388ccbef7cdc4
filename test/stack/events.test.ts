/**
 * The Events stack, synthesized offline: the rules' patterns let through exactly the published samples
 * they exist for (and nothing Tugboat would act on is dropped), the queue and its dead-letter queue,
 * the receive function's event source and its least-privilege role.
 */
import { Template } from "aws-cdk-lib/assertions";
import { Stack } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionForEvent } from "../../src/core/events/action";
import { parseEventText } from "../../src/core/events/parse";
import { MAX_RECEIVE_COUNT, RECEIVE_TIMEOUT_SECONDS } from "../../stacks/Events";
import { type EventPattern, matchesPattern } from "../../workflows/event-pattern";
import { EVENT_RULES } from "../../workflows/event-rules";
import { receiveFunction } from "../../workflows/index";
import { listAwsEventFixtures, loadAwsEventFixture } from "../unit/core/events/aws-event-fixtures";
import { expectedActionsFor } from "./expected-access";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import { environmentOf, render, resourcesOfType, roleOfFunction, statementsOfRole } from "./template-queries";

/** Every published sample, and the rule meant to deliver it (null: no rule should). */
const EXPECTED_RULE: Record<string, string | null> = {
  "ec2-spot-interruption-warning.json": "SpotInterruptionWarning",
  "ec2-spot-interruption-warning.nth.json": "SpotInterruptionWarning",
  "ec2-rebalance-recommendation.json": "RebalanceRecommendation",
  "ec2-rebalance-recommendation.nth.json": "RebalanceRecommendation",
  "ec2-instance-state-change-stopping.nth-e2e.json.tmpl": "InstanceStateChange",
  "ec2-instance-state-change-pending.json": null,
  "ec2-instance-state-change-pending.nth.json": null,
  "asg-instance-launch-lifecycle-action.json": "LaunchLifecycleAction",
  "asg-warmpool-launch-lifecycle-action-ec2-to-asg.json": "LaunchLifecycleAction",
  "asg-warmpool-launch-lifecycle-action-ec2-to-warmpool.json": "LaunchLifecycleAction",
  "asg-warmpool-launch-lifecycle-action-warmpool-to-asg.json": "LaunchLifecycleAction",
  "asg-instance-terminate-lifecycle-action.json": "TerminateLifecycleAction",
  "asg-instance-terminate-lifecycle-action.nth.json": "TerminateLifecycleAction",
  "asg-warmpool-terminate-lifecycle-action-asg-to-warmpool.json": "TerminateLifecycleAction",
  "asg-instance-launch-successful.json": null,
  "asg-instance-launch-unsuccessful.json": null,
  "asg-instance-terminate-successful.json": null,
  "asg-instance-terminate-unsuccessful.json": null,
  "asg-instance-refresh-cancelled.json": null,
  "asg-instance-refresh-checkpoint-reached.json": null,
  "asg-instance-refresh-failed.json": null,
  "asg-instance-refresh-started.json": null,
  "asg-instance-refresh-succeeded.json": null,
  // Direct lifecycle-hook notifications (SQS/SNS target), not EventBridge events: no rule sees them.
  "asg-lifecycle-hook-notification.sqs-sns.txt": null,
  "asg-lifecycle-hook-test-notification.sqs-sns.txt": null,
  "health-ec2-instance-retirement-scheduled.json": "HealthScheduledChange",
  "health-ec2-scheduled-change.nth.json": "HealthScheduledChange",
  "health-ec2-instance-store-drive-degraded.aws-health-tools.json": null,
};

let synth: SynthesizedApp;
let events: Template;

beforeAll(async () => {
  synth = await synthesizeTugboat({ stage: "test", settings: { clusters: "prod-eu,prod-us" }, bundle: false });
  const stack = synth.app.node.children.find(
    (child): child is Stack => child instanceof Stack && child.stackName === "test-tugboat-Events",
  );
  if (!stack) throw new Error("the app has no test-tugboat-Events stack");
  events = Template.fromStack(stack);
}, 600_000);

afterAll(() => synth?.dispose());

/** The synthesized rules: construct id (the logical id without CDK's hash) → deployed pattern. */
function deployedPatterns(): Map<string, EventPattern> {
  return new Map(
    resourcesOfType(events, "AWS::Events::Rule").map(([id, rule]) => [
      id.replace(/[0-9A-F]{8}$/, ""),
      rule.Properties!["EventPattern"] as EventPattern,
    ]),
  );
}

function queueId(name: string): string {
  const found = resourcesOfType(events, "AWS::SQS::Queue").find(
    ([id]) => id.startsWith(name) && /^[A-Za-z]+[0-9A-F]{8}$/.test(id),
  );
  if (!found) throw new Error(`no queue ${name}`);
  return found[0];
}

describe("event rules", () => {
  it("deploys one rule per reaction family, each sending to the events queue with a dead-letter queue", () => {
    const rules = resourcesOfType(events, "AWS::Events::Rule");
    expect(rules.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual(EVENT_RULES.map((r) => r.id).sort());
    for (const [, rule] of rules) {
      const targets = rule.Properties!["Targets"] as Record<string, unknown>[];
      expect(targets).toHaveLength(1);
      expect(render(targets[0]!["Arn"])).toBe(`\${${queueId("EventsQueue")}.Arn}`);
      expect(render((targets[0]!["DeadLetterConfig"] as { Arn: unknown }).Arn)).toBe(
        `\${${queueId("EventsDeadLetterQueue")}.Arn}`,
      );
    }
  });

  it("classifies every published sample, so a new one has to be placed", () => {
    expect(listAwsEventFixtures().sort()).toEqual(Object.keys(EXPECTED_RULE).sort());
  });

  it.each(Object.entries(EXPECTED_RULE).map(([fixture, rule]) => [fixture, rule ?? "no rule", rule] as const))(
    "%s is delivered by %s, and by no other rule",
    (fixture, _label, expected) => {
      const event = JSON.parse(loadAwsEventFixture(fixture)) as unknown;
      const matching = [...deployedPatterns()]
        .filter(([, pattern]) => matchesPattern(pattern, event))
        .map(([id]) => id);
      expect(matching).toEqual(expected ? [expected] : []);
    },
  );

  it("drops only what Tugboat would ignore anyway", () => {
    for (const [fixture, expected] of Object.entries(EXPECTED_RULE)) {
      if (expected !== null || fixture.endsWith(".sqs-sns.txt")) continue;
      const decision = actionForEvent(parseEventText(loadAwsEventFixture(fixture)));
      expect(decision.action, fixture).toBe("ignore");
    }
  });

  it("delivers every state the decision acts on, and only those", () => {
    const pattern = deployedPatterns().get("InstanceStateChange")!;
    const event = (state: string) => ({
      source: "aws.ec2",
      "detail-type": "EC2 Instance State-change Notification",
      detail: { "instance-id": "i-0123456789abcdef0", state },
    });
    for (const state of ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"]) {
      const decided = actionForEvent(
        parseEventText(
          JSON.stringify({
            version: "0",
            id: "x",
            time: "2024-05-01T12:00:00Z",
            region: "us-east-1",
            account: "1",
            resources: [],
            ...event(state),
          }),
        ),
      ).action;
      expect(matchesPattern(pattern, event(state)), state).toBe(decided !== "ignore");
    }
  });
});

describe("event pattern matching", () => {
  it("matches exact values, lists, nested objects, prefixes, anything-but and exists", () => {
    const event = { source: "aws.ec2", detail: { state: "stopping", tags: ["a", "b"], zone: "us-east-1a" } };
    expect(matchesPattern({ source: ["aws.ec2", "aws.health"] }, event)).toBe(true);
    expect(matchesPattern({ source: ["aws.health"] }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: ["stopping"] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { state: ["running"] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { tags: ["b"] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { zone: [{ prefix: "us-east-" }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { zone: [{ prefix: "eu-" }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ "anything-but": ["pending", "running"] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ "anything-but": "stopping" }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { zone: [{ "anything-but": { prefix: "us-" } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { zone: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: ["x"] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: ["stopping"] } }, { source: "aws.ec2" })).toBe(false);
  });
});

describe("queue and receive function", () => {
  it("buffers in an encrypted queue whose failures go to a dead-letter queue after a few receives", () => {
    const [, queue] = resourcesOfType(events, "AWS::SQS::Queue").find(([id]) => id === queueId("EventsQueue"))!;
    expect(queue.Properties!["VisibilityTimeout"]).toBe(RECEIVE_TIMEOUT_SECONDS * 6);
    expect(queue.Properties!["SqsManagedSseEnabled"]).toBe(true);
    const redrive = queue.Properties!["RedrivePolicy"] as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
    expect(render(redrive.deadLetterTargetArn)).toBe(`\${${queueId("EventsDeadLetterQueue")}.Arn}`);
  });

  it("feeds the receive function with no batching window and partial batch responses", () => {
    const mappings = resourcesOfType(events, "AWS::Lambda::EventSourceMapping");
    expect(mappings).toHaveLength(1);
    const mapping = { Properties: mappings[0]![1].Properties! };
    expect(mapping.Properties["FunctionResponseTypes"]).toEqual(["ReportBatchItemFailures"]);
    expect(mapping.Properties["MaximumBatchingWindowInSeconds"]).toBe(0);
    expect(render(mapping.Properties["EventSourceArn"])).toBe(`\${${queueId("EventsQueue")}.Arn}`);
  });

  it("lets EventBridge send to the queue only from Tugboat's own rules", () => {
    const [, policy] = resourcesOfType(events, "AWS::SQS::QueuePolicy").find(([, p]) =>
      JSON.stringify(p.Properties!["Queues"]).includes(queueId("EventsQueue")),
    )!;
    const statements = (policy.Properties!["PolicyDocument"] as { Statement: Record<string, unknown>[] }).Statement;
    const sends = statements.filter((s) => s["Effect"] === "Allow");
    expect(sends).toHaveLength(EVENT_RULES.length);
    for (const statement of sends) {
      expect(statement["Principal"]).toEqual({ Service: "events.amazonaws.com" });
      expect(JSON.stringify(statement["Condition"])).toMatch(/aws:SourceArn/);
    }
  });

  it("gives the receive function read access, the table, and StartExecution on the reaction state machine only", () => {
    const [fnId, fn] = resourcesOfType(events, "AWS::Lambda::Function").find(([id]) => id.startsWith("EventsReceive"))!;
    expect(fnId).toMatch(/^EventsReceive[0-9A-F]{8}$/);
    expect(fn.Properties!["Timeout"]).toBe(RECEIVE_TIMEOUT_SECONDS);
    const statements = statementsOfRole(events, roleOfFunction(fn));
    const sqs = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
    ];
    const actions = [...new Set(statements.flatMap((s) => s.actions))].sort();
    expect(actions).toEqual([...expectedActionsFor(receiveFunction.access), "states:StartExecution", ...sqs].sort());
    expect(actions.some((a) => a.startsWith("autoscaling:") && !a.includes(":Describe"))).toBe(false);
    const start = statements.find((s) => s.actions.includes("states:StartExecution"))!;
    expect(start.resources).toHaveLength(1);
    expect(start.resources[0]).toMatch(/^\$\{import:test-tugboat-Workflows:.*ReactToInstanceEvent/);
    const env = environmentOf(fn);
    expect(env["TUGBOAT_CLUSTERS"]).toBe("prod-eu,prod-us");
    expect(render(env["TUGBOAT_REACTION_STATE_MACHINE_ARN"])).toBe(start.resources[0]);
    expect(render(env["TUGBOAT_TABLE"])).toMatch(/^\$\{import:test-tugboat-State:/);
  });
});
