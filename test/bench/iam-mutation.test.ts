/**
 * The mutation bench on hand-made recordings: a removed action that a recorded call needs names that call;
 * one nothing needs is an over-grant unless justified; a tag-conditioned grant is proven only by a call on a
 * group that carries the tag.
 */
import { describe, expect, it } from "vitest";
import { mutate } from "../../bench/iam-mutation";
import type { LabelledRequest } from "../../src/sandbox/iam/recording";

const account = { account: "123456789012", region: "us-east-1", tableName: "tugboat-sandbox", clusters: ["demo"] };
const table = "arn:aws:dynamodb:us-east-1:123456789012:table/tugboat-sandbox";
const group = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/demo-workers";

function recorded(role: string, action: string, resource: string, context = {}): LabelledRequest {
  return { role, action, resource, context, command: action, decision: "Allowed", label: `test of ${action}`, account };
}

describe("bench/iam-mutation", () => {
  it("names the first recorded call a removed action breaks, and reports what nothing needs", async () => {
    const { rows, gaps } = await mutate([
      recorded("steps-release-lock", "dynamodb:DeleteItem", table),
      recorded("steps-advance-roll", "autoscaling:UpdateAutoScalingGroup", group, {
        "autoscaling:ResourceTag/tugboat:cluster": "demo",
      }),
    ]);
    expect(gaps).toEqual([]);
    const row = (role: string, statement: string, action: string) =>
      rows.find((r) => r.role === role && r.statement === statement && r.action === action);
    expect(row("steps-release-lock", "StateTable", "dynamodb:DeleteItem")?.firstFailingCheck).toBe(
      `test of dynamodb:DeleteItem — dynamodb:DeleteItem on ${table}`,
    );
    expect(
      row("steps-advance-roll", "AutoScalingWriteTugboatGroups", "autoscaling:UpdateAutoScalingGroup"),
    ).toMatchObject({
      firstFailingCheck: expect.stringContaining(group),
    });
    // The EKS-tag statement does not cover a group tagged tugboat:cluster: not proven, but justified.
    expect(
      row("steps-advance-roll", "AutoScalingWriteEksManagedGroups", "autoscaling:UpdateAutoScalingGroup"),
    ).toMatchObject({
      justified: expect.stringContaining("EKS managed node group"),
    });
    // Nothing recorded reads the table for advance-roll: an over-grant.
    const overGrant = row("steps-advance-roll", "StateTable", "dynamodb:GetItem");
    expect(overGrant?.firstFailingCheck).toBeUndefined();
    expect(overGrant?.justified).toBeUndefined();
  });

  it("lists recorded calls the unmutated policies refuse", async () => {
    const refused = {
      ...recorded("steps-release-lock", "dynamodb:PutItem", table),
      decision: "ImplicitlyDenied" as const,
    };
    const { gaps } = await mutate([refused]);
    expect(gaps).toEqual([refused]);
  });
});
