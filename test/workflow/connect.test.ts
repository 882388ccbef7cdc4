/**
 * A cluster Tugboat has never seen (scenario never-seen, cluster.access "none"), in one sandbox: a roll
 * fails at its first Kubernetes request with the 401 named and changes nothing; `tug doctor` lists what
 * is missing; `tug connect` makes it; doctor then passes and a roll succeeds; a second connect changes
 * nothing. Doctor and connect run as the sandbox's operator (the cluster creator).
 */
import { afterEach, describe, expect, it } from "vitest";
import { tugboatRbac } from "../../src/adapters/kube/rbac-manifest";
import { type ClusterAccessContext, sandboxAccessContext } from "../../src/cli/cluster-access";
import { doctorJson } from "../../src/cli/commands/doctor";
import { connectCluster } from "../../src/core/connect/connect";
import { type ConnectRequest, inspectCluster } from "../../src/core/connect/inspect";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { loadScenario } from "../../src/sandbox/scenario/load";

let context: ClusterAccessContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

function requestFor(ctx: ClusterAccessContext): ConnectRequest {
  return {
    cluster: "shop",
    roleArns: ctx.roleArns,
    rbac: tugboatRbac({ forceDrain: false }),
    nodeGroups: [],
    connectCommand: ctx.connectCommand,
  };
}

/** What a roll could have changed: group sizes and processes, instances, cordons and taints. */
function footprint(sandbox: Sandbox) {
  const snapshot = sandbox.region.snapshot();
  return {
    groups: snapshot.groups,
    instances: snapshot.instances.map((i) => `${i.instanceId}:${i.state}`),
    nodes: sandbox.cluster.nodes().map((n) => ({ name: n.name, unschedulable: n.unschedulable, taints: n.taints })),
  };
}

describe("connecting a cluster Tugboat has never seen", () => {
  it("refuses a roll at the first Kubernetes call (401), then doctor, connect, doctor and a roll succeed", async () => {
    const sandbox = await Sandbox.start(loadScenario("never-seen"));
    context = sandboxAccessContext(sandbox, "never-seen");
    const request = requestFor(context);

    // A managed group resolves through EKS, so the first refusal is the API server's.
    const before = footprint(sandbox);
    const refused = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "shop", nodeGroup: "system" },
      sandbox,
      keepOpen: true,
    });
    expect(refused.result.outcome, refused.result.reason).toBe("refused");
    expect(refused.result.reason).toMatch(/HTTP 401 Unauthorized/);
    expect(refused.result.nodesReplaced).toBe(0);
    expect(footprint(sandbox)).toEqual(before);

    const doctor = doctorJson((await inspectCluster(context.port, request)).checks);
    expect(doctor.ok).toBe(false);
    const failing = doctor.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failing).toEqual([
      "access-entry arn:aws:iam::123456789012:role/tugboat-sandbox",
      "rbac ClusterRole tugboat-steps",
      "rbac ClusterRoleBinding tugboat-steps",
      "rbac Role default/tugboat-node-events",
      "rbac RoleBinding default/tugboat-node-events",
      "tags auto-scaling-group shop-system",
      "tags launch-template shop-system",
      "tags auto-scaling-group shop-workers",
      "tags launch-template shop-workers",
    ]);
    for (const check of doctor.checks.filter((c) => !c.ok))
      expect(check.fix).toMatch(/^tug connect shop --sandbox never-seen/);

    const dryRun = await connectCluster(context.port, request, { dryRun: true });
    expect(dryRun.outcome).toBe("dry-run");
    expect(doctorJson((await inspectCluster(context.port, request)).checks).ok).toBe(false);

    const connected = await connectCluster(context.port, request, { dryRun: false });
    expect(connected.outcome).toBe("connected");
    expect(connected.changes).toEqual(dryRun.changes);
    expect(connected.changes).toHaveLength(9);

    expect(doctorJson((await inspectCluster(context.port, request)).checks)).toMatchObject({ ok: true });
    const again = await connectCluster(context.port, request, { dryRun: false });
    expect(again).toMatchObject({ outcome: "unchanged", changes: [] });

    const roll = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "shop", nodeGroup: "workers" },
      sandbox,
      keepOpen: true,
    });
    expect(roll.result.outcome, roll.result.reason).toBe("succeeded");
    expect(roll.result.nodesReplaced).toBe(4);
    expect(sandbox.kubeRequests.denied()).toEqual([]);
  });

  it("names the 403 of a roll whose role has an access entry but no RBAC, and changes nothing", async () => {
    const sandbox = await Sandbox.start(loadScenario("never-seen"));
    context = sandboxAccessContext(sandbox, "never-seen");
    // Only the access entry: the role is now known to Kubernetes, but bound to nothing.
    await context.port.createAccessEntry("shop", context.roleArns[0] as string, ["tugboat-steps"]);
    const before = footprint(sandbox);
    const refused = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "shop", nodeGroup: "system" },
      sandbox,
      keepOpen: true,
    });
    expect(refused.result.outcome, refused.result.reason).toBe("refused");
    expect(refused.result.reason).toContain(
      'HTTP 403 Forbidden: nodes is forbidden: User "arn:aws:sts::123456789012:assumed-role/tugboat-sandbox/tugboat" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(footprint(sandbox)).toEqual(before);
  });

  it("refuses to connect when the authentication mode takes no access entries, saying what to run", async () => {
    const sandbox = await Sandbox.start(loadScenario("never-seen"));
    context = sandboxAccessContext(sandbox, "never-seen");
    (
      sandbox.region as unknown as { eks: { access: { setAuthenticationMode(c: string, m: string): void } } }
    ).eks.access.setAuthenticationMode("shop", "CONFIG_MAP");
    const result = await connectCluster(context.port, requestFor(context), { dryRun: false });
    expect(result.outcome).toBe("refused");
    expect(result.reason).toContain(
      "aws eks update-cluster-config --name shop --access-config authenticationMode=API_AND_CONFIG_MAP",
    );
    expect(result.changes).toEqual([]);
  });
});
