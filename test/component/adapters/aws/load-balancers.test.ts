/**
 * The ELBv2 adapter through the real SDK client against the sandbox region: lookups by name, idempotent
 * creates and refused duplicates, ELB's defaults for a TCP target group, the listener, ResourceInUse
 * while a listener forwards to a target group, and a step role refused as ELB refuses it.
 */
import { readFileSync } from "node:fs";
import { DescribeLoadBalancersCommand, LoadBalancerNotFoundException } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_RELEASE_SECONDS } from "../../../../src/sandbox/aws/self-managed-nlb";
import { Sandbox } from "../../../../src/sandbox/sandbox";
import { parseScenario } from "../../../../src/sandbox/scenario/load";

let sandbox: Sandbox;

beforeAll(async () => {
  const raw = JSON.parse(readFileSync("src/sandbox/scenario/builtin/account.json", "utf8"));
  sandbox = await Sandbox.start(parseScenario(raw, "account (test)"));
});

afterAll(async () => {
  await sandbox?.close();
});

const tags = { "tugboat:cluster": "lbt", "tugboat:created-by-run": "run-1" };

function port() {
  const lb = sandbox.deps.loadBalancers;
  if (!lb) throw new Error("createAwsDeps built no load balancer port");
  return lb;
}

describe("LoadBalancersAdapter against the sandbox's ELBv2", () => {
  it("reads an unknown name as absent, and the SDK sees ELB's LoadBalancerNotFound", async () => {
    expect(await port().describeLoadBalancer("lbt-api")).toBeUndefined();
    expect(await port().describeTargetGroup("lbt-api")).toBeUndefined();
    const raw = sandbox.deps.clients.elasticLoadBalancing.send(new DescribeLoadBalancersCommand({ Names: ["nope"] }));
    await expect(raw).rejects.toBeInstanceOf(LoadBalancerNotFoundException);
    await expect(raw).rejects.toMatchObject({ Code: "LoadBalancerNotFound", $metadata: { httpStatusCode: 400 } });
  });

  it("creates an internal NLB once, provisioning before active, and refuses the name with other settings", async () => {
    const request = { name: "lbt-api", subnetIds: ["subnet-a", "subnet-b", "subnet-c"], tags };
    await port().createLoadBalancer(request);
    await port().createLoadBalancer(request);
    expect(sandbox.region.loadBalancers.balancers.size).toBe(1);
    const balancer = await port().describeLoadBalancer("lbt-api");
    expect(balancer).toMatchObject({ name: "lbt-api", scheme: "internal", state: "provisioning", tags });
    expect(balancer?.arn).toMatch(
      /^arn:aws:elasticloadbalancing:eu-west-1:\d{12}:loadbalancer\/net\/lbt-api\/[0-9a-f]{16}$/,
    );
    expect(balancer?.dnsName).toMatch(/^internal-lbt-api-[0-9a-f]+\.elb\.eu-west-1\.amazonaws\.com$/);
    sandbox.clock.advanceBy(300);
    expect((await port().describeLoadBalancer("lbt-api"))?.state).toBe("active");
    await expect(port().createLoadBalancer({ ...request, subnetIds: ["subnet-a"] })).rejects.toThrow(
      /DuplicateLoadBalancerName/,
    );
  });

  it("makes a TCP target group that preserves client IPs by default, turns it off, and forwards 6443 to it", async () => {
    await port().createTargetGroup({ name: "lbt-api", vpcId: "vpc-1", port: 6443, targetType: "instance", tags });
    const group = await port().describeTargetGroup("lbt-api");
    expect(group).toMatchObject({ port: 6443, targetType: "instance", preserveClientIp: true, targets: [], tags });
    if (!group) throw new Error("no target group");
    await port().setPreserveClientIp(group.arn, false);
    expect((await port().describeTargetGroup("lbt-api"))?.preserveClientIp).toBe(false);
    const balancer = await port().describeLoadBalancer("lbt-api");
    if (!balancer) throw new Error("no load balancer");
    await port().createListener(balancer.arn, 6443, group.arn);
    await port().createListener(balancer.arn, 6443, group.arn);
    expect(await port().listeners(balancer.arn)).toEqual([{ port: 6443, targetGroupArn: group.arn }]);
    await expect(port().registerTargets(group.arn, ["i-00000000000000000"])).rejects.toThrow(/InvalidTarget/);
  });

  it("refuses to delete a target group a listener forwards to, until the deleted balancer's listeners are gone", async () => {
    const group = await port().describeTargetGroup("lbt-api");
    const balancer = await port().describeLoadBalancer("lbt-api");
    if (!group || !balancer) throw new Error("nothing to delete");
    expect(await port().deleteTargetGroup(group.arn)).toBe("in-use");
    await port().deleteLoadBalancer(balancer.arn);
    await port().deleteLoadBalancer(balancer.arn);
    expect(await port().deleteTargetGroup(group.arn)).toBe("in-use");
    sandbox.clock.advanceBy(LISTENER_RELEASE_SECONDS);
    expect(await port().deleteTargetGroup(group.arn)).toBe("deleted");
    expect(await port().describeLoadBalancer("lbt-api")).toBeUndefined();
    expect(await port().describeTargetGroup("lbt-api")).toBeUndefined();
    // A balancer made again under the name is a new one, with a new id.
    await port().createLoadBalancer({ name: "lbt-api", subnetIds: ["subnet-a"], tags });
    expect((await port().describeLoadBalancer("lbt-api"))?.arn).not.toBe(balancer.arn);
  });

  it("refuses a step whose role may not create load balancers, as ELB does, and creates nothing", async () => {
    const summary = sandbox.depsForModule("functions/create/summarize-create").loadBalancers;
    if (!summary) throw new Error("no load balancer port");
    const refused = summary.createLoadBalancer({ name: "lbt-other", subnetIds: ["subnet-a"], tags });
    await expect(refused).rejects.toThrow(/AccessDenied.*elasticloadbalancing:CreateLoadBalancer/);
    await expect(refused).rejects.toMatchObject({
      cause: { Code: "AccessDenied", $metadata: { httpStatusCode: 403 } },
    });
    expect(sandbox.region.loadBalancers.balancers.has("lbt-other")).toBe(false);
    // Its reads are granted.
    expect(await summary.describeLoadBalancer("lbt-api")).toMatchObject({ name: "lbt-api" });
  });
});
