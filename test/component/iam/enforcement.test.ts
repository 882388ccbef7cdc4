/**
 * IAM in the sandbox: a call a role's policy does not allow fails as the service answers it (code, HTTP
 * status, IAM's message), tag conditions are evaluated against the resource's tags in the region, and a
 * roll whose step lacks one permission fails with that error and changes nothing.
 */
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { ListInsightsCommand } from "@aws-sdk/client-eks";
import { GetParametersCommand } from "@aws-sdk/client-ssm";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../../src/sandbox/sandbox";
import { rollInSandbox } from "../../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../../src/sandbox/scenario/load";

let open: Sandbox | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(): Promise<Sandbox> {
  open = await Sandbox.start(loadScenario("small"));
  return open;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to be refused");
}

const principal = (role: string) => `arn:aws:sts::123456789012:assumed-role/tugboat-${role}/tugboat-${role}`;

describe("a call the role's policy does not allow", () => {
  it("fails in Auto Scaling with AccessDenied, 403, naming the principal and action", async () => {
    const sandbox = await start();
    // release-lock only deletes its lock item.
    const { clients } = sandbox.depsForRole("steps-release-lock");
    const err = await rejection(clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({})));
    expect(err.name).toBe("AccessDenied");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      `User: ${principal("steps-release-lock")} is not authorized to perform: autoscaling:DescribeAutoScalingGroups because no identity-based policy allows the autoscaling:DescribeAutoScalingGroups action`,
    );
  });

  it("fails in EC2 with UnauthorizedOperation, 403, and an encoded authorization message", async () => {
    const sandbox = await start();
    const err = await rejection(
      sandbox.depsForRole("steps-release-lock").clients.ec2.send(new DescribeInstancesCommand({})),
    );
    expect(err.name).toBe("UnauthorizedOperation");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toMatch(
      /^You are not authorized to perform this operation\. User: .* is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action\. Encoded authorization failure message: /,
    );
  });

  it("fails in EKS with AccessDeniedException, 403, on the cluster's ARN", async () => {
    const sandbox = await start();
    // refresh-insights starts and follows a refresh but does not list insights.
    const err = await rejection(
      sandbox
        .depsForRole("upgrade-refresh-insights")
        .clients.eks.send(new ListInsightsCommand({ clusterName: "demo" })),
    );
    expect(err.name).toBe("AccessDeniedException");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toContain(
      "is not authorized to perform: eks:ListInsights on resource: arn:aws:eks:us-east-1:123456789012:cluster/demo",
    );
  });

  it("fails in DynamoDB and SSM with AccessDeniedException, 400", async () => {
    const sandbox = await start();
    const deps = sandbox.depsForRole("steps-preflight-roll");
    const put = await rejection(
      deps.clients.dynamo.send(new PutCommand({ TableName: "tugboat-sandbox", Item: { pk: "x", sk: "y" } })),
    );
    expect(put.name).toBe("AccessDeniedException");
    expect(put.$metadata?.httpStatusCode).toBe(400);
    expect(put.message).toContain(
      "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/tugboat-sandbox",
    );
    const params = await rejection(
      deps.clients.ssm.send(new GetParametersCommand({ Names: ["/aws/service/eks/optimized-ami/1.30/x"] })),
    );
    expect(params.name).toBe("AccessDeniedException");
    expect(params.$metadata?.httpStatusCode).toBe(400);
  });

  it("holds Auto Scaling mutations to the group's cluster tag, read from the region", async () => {
    const sandbox = await start();
    const group = sandbox.region.snapshot().groups.find((g) => g.name === "demo-workers" || g.nodeGroup === "workers");
    expect(group).toBeDefined();
    const { clients } = sandbox.depsForRole("steps-advance-roll");
    // The group carries the managed cluster's tag: allowed.
    await clients.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group!.name, MaxSize: group!.maxSize }),
    );
    // The same call on a group tagged for another cluster is refused.
    const role = sandbox.iam.role("steps-advance-roll");
    const err = await rejection(
      sandbox.iam.check(role, {
        action: "autoscaling:UpdateAutoScalingGroup",
        resource: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0:autoScalingGroupName/${group!.name}`,
        context: { "autoscaling:ResourceTag/tugboat:cluster": "someone-else" },
      }),
    );
    expect(err.message).toContain("autoscaling:UpdateAutoScalingGroup on resource");
  });
});

describe("a roll whose step lacks one permission", () => {
  it("fails with the named AccessDenied and changes nothing in the group or the cluster", async () => {
    const scenario = loadScenario("small");
    const sandbox = await Sandbox.start(scenario);
    open = sandbox;
    sandbox.iam.revoke("steps-prepare-group", "autoscaling:SuspendProcesses");
    const before = sandbox.region.snapshot();
    const beforeGroup = JSON.stringify(before.groups);
    const { result } = await rollInSandbox({
      scenario,
      request: { cluster: "demo", nodeGroup: "workers" },
      sandbox,
      keepOpen: true,
    });
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(
      /AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/tugboat-steps-prepare-group\/.* is not authorized to perform: autoscaling:SuspendProcesses on resource: arn:aws:autoscaling:/,
    );
    const after = sandbox.region.snapshot();
    expect(JSON.stringify(after.groups)).toBe(beforeGroup);
    expect(sandbox.cluster.nodes().filter((n) => n.unschedulable)).toEqual([]);
    expect([...sandbox.region.terminateCalls().keys()]).toEqual([]);
    expect(sandbox.iam.denials().map((d) => `${d.role} ${d.action}`)).toEqual([
      "steps-prepare-group autoscaling:SuspendProcesses",
    ]);
  });
});
