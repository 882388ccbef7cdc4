/** The IAM recording lists every authorization in order, one shared record per distinct one. */
import { describe, expect, it } from "vitest";
import { IamEnforcer } from "../../../../src/sandbox/iam/enforcer";
import { OPERATOR_ROLE, sandboxRoles } from "../../../../src/sandbox/iam/roles";

const account = { account: "123456789012", region: "us-east-1", tableName: "tugboat", clusters: ["demo"] };
const directory = {
  account: account.account,
  region: account.region,
  group: () => undefined,
  groupOfInstance: () => undefined,
  launchTemplate: () => undefined,
  cluster: () => undefined,
  nodegroup: () => undefined,
  addon: () => undefined,
  secretArn: () => undefined,
  loadBalancingTags: () => undefined,
  loadBalancingArnForCreate: () => "",
};
const table = `arn:aws:dynamodb:${account.region}:${account.account}:table/${account.tableName}`;

describe("the IAM recording", () => {
  it("lists each authorization in order, a repeated one as the same record, and a changed decision anew", async () => {
    const iam = new IamEnforcer(sandboxRoles(account), directory, false);
    const role = iam.role(OPERATOR_ROLE);
    const getItem = { action: "dynamodb:GetItem", resource: table, context: {} };

    await iam.check(role, getItem, "GetItemCommand");
    await iam.check(role, { action: "dynamodb:Query", resource: table, context: {} }, "QueryCommand");
    await iam.check(role, { ...getItem }, "GetItemCommand");
    await iam.check(role, { ...getItem }, "BatchGetItemCommand");
    iam.revoke(OPERATOR_ROLE, "dynamodb:GetItem");
    await iam.check(iam.role(OPERATOR_ROLE), { ...getItem }, "GetItemCommand");

    expect(iam.recorded.map((r) => `${r.command} ${r.action} ${r.decision}`)).toEqual([
      "GetItemCommand dynamodb:GetItem Allowed",
      "QueryCommand dynamodb:Query Allowed",
      "GetItemCommand dynamodb:GetItem Allowed",
      "BatchGetItemCommand dynamodb:GetItem Allowed",
      "GetItemCommand dynamodb:GetItem ImplicitlyDenied",
    ]);
    expect(iam.recorded[2]).toBe(iam.recorded[0]);
    expect(iam.recorded[3]).not.toBe(iam.recorded[0]);
    expect(iam.recorded[0]).toEqual({
      ...getItem,
      role: OPERATOR_ROLE,
      command: "GetItemCommand",
      decision: "Allowed",
    });
    expect(iam.denials()).toHaveLength(1);
  });
});
