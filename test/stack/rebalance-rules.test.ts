/**
 * The Rebalance stack, synthesized offline: per managed cluster a daily schedule and a five-minute
 * Pending-zonal-pods check, one rule for capacity-failed launches, each starting the rebalance-azs state
 * machine with the input workflows/rebalance-rules.ts gives; the published "Launch Unsuccessful" sample
 * passes the pattern only with EC2's capacity wording.
 */
import { readFileSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { Stack } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchesPattern } from "../../workflows/event-pattern";
import { CAPACITY_MESSAGE_PREFIX, REBALANCE_RULES, ruleInput } from "../../workflows/rebalance-rules";
import { publishedFixture } from "../support/published-fixtures";
import { type SynthesizedApp, synthesizeTugboat } from "./synthesize";
import { resourcesOfType } from "./template-queries";

let synth: SynthesizedApp;
let rebalance: Template;

beforeAll(async () => {
  synth = await synthesizeTugboat({ stage: "test", settings: { clusters: "prod-eu,prod-us" }, bundle: false });
  const stack = synth.app.node.children.find(
    (child): child is Stack => child instanceof Stack && child.stackName === "test-tugboat-Rebalance",
  );
  if (!stack) throw new Error("the app has no test-tugboat-Rebalance stack");
  rebalance = Template.fromStack(stack);
}, 600_000);

afterAll(() => synth?.dispose());

describe("rebalance triggers", () => {
  it("deploys a schedule and a Pending-zonal-pods check per cluster, and one rule for capacity-failed launches", () => {
    const rules = resourcesOfType(rebalance, "AWS::Events::Rule").map(([id, rule]) => ({
      id: id.replace(/[0-9A-F]{8}$/, ""),
      schedule: rule.Properties!["ScheduleExpression"],
      targets: rule.Properties!["Targets"] as Record<string, unknown>[],
    }));
    expect(rules.map((r) => r.id).sort()).toEqual(
      [
        "RebalanceLaunchUnsuccessful",
        "RebalancePendingZonalPodsprodeu",
        "RebalancePendingZonalPodsprodus",
        "RebalanceScheduleprodeu",
        "RebalanceScheduleprodus",
      ].sort(),
    );
    const schedule = rules.find((r) => r.id === "RebalanceScheduleprodeu");
    expect(schedule?.schedule).toBe("rate(1 day)");
    expect(JSON.parse(schedule?.targets[0]?.["Input"] as string)).toEqual({ cluster: "prod-eu", trigger: "schedule" });
    for (const rule of rules) {
      expect(rule.targets).toHaveLength(1);
      expect(JSON.stringify(rule.targets[0]?.["Arn"])).toMatch(/RebalanceAzs|rebalance/i);
    }
  });

  it("starts executions through one role of its own, allowed states:StartExecution and nothing else", () => {
    const policies = resourcesOfType(rebalance, "AWS::IAM::Policy");
    const actions = policies
      .filter(([id]) => id.startsWith("RebalanceRulesRole"))
      .flatMap(([, policy]) =>
        (
          (policy.Properties!["PolicyDocument"] as { Statement: { Action: string | string[] }[] }).Statement ?? []
        ).flatMap((statement) => statement.Action),
      );
    expect(actions).toEqual(["states:StartExecution"]);
    const eventsRoles = resourcesOfType(rebalance, "AWS::IAM::Role").filter(([, role]) =>
      JSON.stringify(role.Properties!["AssumeRolePolicyDocument"]).includes("events.amazonaws.com"),
    );
    expect(eventsRoles).toHaveLength(1);
  });

  it("lets through the published Launch Unsuccessful sample only with EC2's capacity wording", () => {
    const sample = JSON.parse(
      readFileSync(publishedFixture("aws-events/asg-instance-launch-unsuccessful.json"), "utf8"),
    );
    const rule = REBALANCE_RULES.find((r) => r.id === "RebalanceLaunchUnsuccessful");
    if (!rule?.pattern) throw new Error("no launch rule");
    expect(matchesPattern(rule.pattern, sample)).toBe(false);
    const capacity = {
      ...sample,
      detail: {
        ...sample.detail,
        StatusMessage: `${CAPACITY_MESSAGE_PREFIX} m6i.large capacity in the Availability Zone you requested (us-west-2b). Launching EC2 instance failed.`,
      },
    };
    expect(matchesPattern(rule.pattern, capacity)).toBe(true);
    expect(ruleInput(rule, capacity)).toEqual({
      trigger: "launch-unsuccessful",
      autoScalingGroupName: "my-auto-scaling-group",
      statusMessage: capacity.detail.StatusMessage,
    });
  });
});
