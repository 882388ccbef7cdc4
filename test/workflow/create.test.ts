/** Creating and deleting clusters in the sandbox: the create-cluster and delete-cluster workflows end to end. */
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox";
import { createInSandbox, deleteInSandbox } from "../../src/sandbox/sandbox-create";
import { parseScenario } from "../../src/sandbox/scenario/load";

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
    const first = await createInSandbox(sandbox, spec());
    expect(first.reason).toContain("created");
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
});
