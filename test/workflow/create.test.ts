/** Creating and deleting clusters in the sandbox: the create-cluster and delete-cluster workflows end to end. */
import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { DeleteAccessEntryCommand, DescribeClusterCommand } from "@aws-sdk/client-eks";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox";
import { createInSandbox, deleteInSandbox } from "../../src/sandbox/sandbox-create";
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";

const open: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of open.splice(0)) await sandbox.close();
});

// biome-ignore lint/suspicious/noExplicitAny: scenarios and specs are the raw JSON a user would write.
function account(change: (raw: any) => void = () => {}) {
  const raw = {
    seed: 3,
    region: "eu-west-1",
    account: {
      vpcs: [
        {
          id: "vpc-1",
          cidr: "10.0.0.0/16",
          subnets: [
            { id: "subnet-a", zone: "eu-west-1a", cidr: "10.0.0.0/19", freeIps: 8000 },
            { id: "subnet-b", zone: "eu-west-1b", cidr: "10.0.32.0/19", freeIps: 8000 },
            { id: "subnet-c", zone: "eu-west-1c", cidr: "10.0.64.0/19", freeIps: 8000 },
          ],
        },
      ],
      unsupportedControlPlaneZones: [] as string[],
    },
  };
  change(raw);
  return parseScenario(raw, "account (test)");
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
function spec(change: (raw: any) => void = () => {}) {
  const raw = {
    name: "prod-eu",
    kind: "eks",
    version: "1.33",
    region: "eu-west-1",
    subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    endpoint: { public: true, private: true, publicCidrs: ["203.0.113.0/24"] },
    logging: ["api", "audit", "authenticator"],
    addons: { "vpc-cni": "default", "kube-proxy": "default", coredns: "default", "aws-ebs-csi-driver": "default" },
    nodeGroups: [
      {
        name: "system",
        kind: "eks-managed",
        instanceType: "m6i.large",
        zones: { "eu-west-1a": 1, "eu-west-1b": 1, "eu-west-1c": 1 },
        labels: { role: "system" },
        taints: [],
      },
      {
        name: "data",
        kind: "self-managed-asg",
        instanceType: "r6i.large",
        zones: { "eu-west-1a": 2, "eu-west-1b": 2, "eu-west-1c": 2 },
        perZone: true,
      },
    ],
    onFailure: "keep",
  };
  change(raw);
  return raw;
}

async function start(scenario = account()) {
  const sandbox = await Sandbox.start(scenario);
  open.push(sandbox);
  return sandbox;
}

describe("create-cluster", () => {
  it("creates an EKS cluster with managed and per-zone self-managed groups, health-gated, and a second run changes nothing", async () => {
    const sandbox = await start();
    const coredns: string[] = [];
    const first = await createInSandbox(sandbox, spec(), {
      run: {
        onEvent: (event) => {
          const health = (event.output as { health?: { checks: { name: string; detail: string }[] } } | undefined)
            ?.health;
          if (event.kind !== "state-exited" || event.state !== "Check health" || !health) return;
          coredns.push(health.checks.find((c) => c.name === "add-on coredns")?.detail ?? "");
        },
      },
    });
    expect(first.reason).toContain("created");
    // CoreDNS was created before any node and waited for them, DEGRADED, without failing the run.
    expect(coredns.some((d) => d.startsWith("DEGRADED") && d.endsWith("(waits for nodes)"))).toBe(true);
    expect(coredns.at(-1)).toMatch(/^ACTIVE/);
    const described = await sandbox.deps.clients.eks.send(new DescribeClusterCommand({ name: "prod-eu" }));
    expect(described.cluster?.accessConfig?.authenticationMode).toBe("API");
    expect(first.outcome).toBe("created");
    expect(first.observed).toMatchObject({ cluster: 1, clusterStatus: "ACTIVE", managedNodeGroups: 1, untagged: [] });
    // One group per zone for "data", one behind the managed group.
    expect(first.observed.autoScalingGroups).toBe(4);
    expect(first.observed.instances).toBe(9);
    expect(first.healthChecks.every((c) => c.passed)).toBe(true);
    const ready = sandbox.cluster.nodes().filter((n) => n.ready);
    expect(ready).toHaveLength(9);

    const second = await createInSandbox(sandbox, spec());
    expect(second.outcome).toBe("unchanged");
    expect(second.changes).toBe(0);
    expect(second.observed.instances).toBe(9);
  });

  it("leaves a zone EKS cannot use for the control plane out when two zones remain", async () => {
    const sandbox = await start(account((raw) => (raw.account.unsupportedControlPlaneZones = ["eu-west-1c"])));
    const batch = {
      name: "batch",
      kind: "self-managed-asg",
      instanceType: "m6i.large",
      zones: { "eu-west-1a": 1, "eu-west-1b": 1 },
    };
    const result = await createInSandbox(
      sandbox,
      spec((raw) => (raw.nodeGroups = [raw.nodeGroups[0], batch])),
    );
    expect(result.outcome, result.reason).toBe("created");
    const described = await sandbox.deps.eks.describeCluster("prod-eu");
    expect([...(described?.subnetIds ?? [])].sort()).toEqual(["subnet-a", "subnet-b"]);
    // The node group keeps its three zones: nodes may run where the control plane cannot.
    const zones = sandbox.cluster.nodes().map((n) => n.availabilityZone);
    expect(zones.filter((z) => z === "eu-west-1c")).toHaveLength(1);
    expect(zones).toHaveLength(5);
    // A multi-zone self-managed group has Auto Scaling's zone rebalancing suspended.
    const group = await sandbox.deps.autoScaling.describeGroup("prod-eu-batch");
    expect(group?.suspendedProcesses).toEqual(["AZRebalance"]);
  });

  it("refuses, naming the zones that can host it, when one zone is left and repicking is not allowed", async () => {
    const sandbox = await start(account((raw) => (raw.account.unsupportedControlPlaneZones = ["eu-west-1c"])));
    const result = await createInSandbox(
      sandbox,
      spec((raw) => (raw.allowSubnetRepick = false)),
    );
    expect(result.outcome).toBe("refused");
    expect(result.reason).toContain("subnetIds: EKS cannot place a control plane in eu-west-1c");
    expect(result.reason).toContain("eu-west-1a, eu-west-1b");
    expect(result.observed).toMatchObject({ cluster: 0, autoScalingGroups: 0, launchTemplates: 0, instances: 0 });
  });

  it("refuses before creating anything, naming each field", async () => {
    const sandbox = await start(
      account((raw) => {
        raw.account.vpcs[0].subnets[1].freeIps = 10;
      }),
    );
    const result = await createInSandbox(
      sandbox,
      spec((raw) => {
        raw.version = "1.19";
        raw.nodeGroups[0].zones = { "eu-west-1d": 1 };
      }),
    );
    expect(result.outcome).toBe("refused");
    expect(result.reason).toContain("version: Kubernetes 1.19 is not offered by EKS here");
    expect(result.reason).toContain("subnetIds[1]: subnet-b has 10 free IP addresses");
    expect(result.reason).toContain("nodeGroups[0].zones.eu-west-1d: a zone with a subnet in subnetIds");
    expect(result.observed).toMatchObject({ cluster: 0, autoScalingGroups: 0, instances: 0 });
  });

  it("fails naming the instances that never joined, and with onFailure delete leaves nothing behind", async () => {
    const sandbox = await start(
      account((raw) => (raw.account.faults = [{ kind: "nodes-never-join", nodeGroup: "data-eu-west-1b" }])),
    );
    const kept = await createInSandbox(
      sandbox,
      spec((raw) => (raw.name = "kept")),
    );
    expect(kept.outcome).toBe("failed");
    expect(kept.reason).toContain("Ready nodes data-eu-west-1b: eu-west-1b 0/2");
    expect(kept.reason).toMatch(/never joined as nodes: i-[0-9a-f]+, i-[0-9a-f]+ /);
    // Kept, and everything Tugboat made carries its tags.
    expect(kept.observed).toMatchObject({ cluster: 1, untagged: [] });

    const removed = await createInSandbox(
      sandbox,
      spec((raw) => {
        raw.name = "removed";
        raw.onFailure = "delete";
      }),
    );
    expect(removed.outcome).toBe("failed");
    expect(removed.observed).toMatchObject({
      cluster: 0,
      addons: 0,
      managedNodeGroups: 0,
      autoScalingGroups: 0,
      launchTemplates: 0,
      instances: 0,
      untagged: [],
    });
  });

  it("nodes cannot join a self-managed group whose role has no EC2_LINUX access entry", async () => {
    const sandbox = await start();
    const created = await createInSandbox(sandbox, spec());
    expect(created.outcome, created.reason).toBe("created");
    // What a node needs is checked when it boots: take the entry away and scale one group out.
    await sandbox.deps.clients.eks.send(
      new DeleteAccessEntryCommand({
        clusterName: "prod-eu",
        principalArn: "arn:aws:iam::123456789012:role/prod-eu-node-role",
      }),
    );
    await sandbox.deps.clients.autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: "prod-eu-data-eu-west-1a", DesiredCapacity: 3 }),
    );
    sandbox.clock.advanceBy(600);
    const instances = sandbox.region.inventory("prod-eu").instances;
    expect(instances).toBe(10);
    expect(sandbox.cluster.nodes()).toHaveLength(9);
  });
});

// Create → roll → upgrade → delete of a created cluster beside another: create-multi.test.ts.
describe("deleting", () => {
  it("refuses to delete a cluster Tugboat did not create", async () => {
    const sandbox = await start(loadScenario("managed"));
    const name = sandbox.scenario.cluster.name;
    const refused = await deleteInSandbox(sandbox, name);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toContain(`${name} was not created by Tugboat`);
    expect(refused.observed.cluster).toBe(1);
  });
});
