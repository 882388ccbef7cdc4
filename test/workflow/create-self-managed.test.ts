/**
 * Creating a self-managed (kubeadm) cluster in the sandbox: the create-cluster workflow end to end, with
 * the sandbox checking what each node's kubeadm needs before it lets the node join.
 */
import { readFileSync } from "node:fs";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { sandboxKubeRoleArns } from "../../src/sandbox/aws/identities";
import { kubeconfigParameterName } from "../../src/sandbox/aws/params";
import { SANDBOX_ACCOUNT_ID } from "../../src/sandbox/aws/world";
import { Sandbox } from "../../src/sandbox/sandbox";
import { createInSandbox, deleteInSandbox } from "../../src/sandbox/sandbox-create";
import { parseScenario } from "../../src/sandbox/scenario/load";
import { createCluster } from "../../workflows";

const open: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of open.splice(0)) await sandbox.close();
});

// biome-ignore lint/suspicious/noExplicitAny: scenarios and specs are the raw JSON a user would write.
function account(change: (raw: any) => void = () => {}) {
  const raw = JSON.parse(readFileSync("src/sandbox/scenario/builtin/account.json", "utf8"));
  change(raw);
  return parseScenario(raw, "account (test)");
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
function spec(change: (raw: any) => void = () => {}) {
  const raw = JSON.parse(readFileSync("docs/examples/edge-kubeadm.json", "utf8"));
  change(raw);
  return raw;
}

async function start(scenario = account()) {
  const sandbox = await Sandbox.start(scenario);
  open.push(sandbox);
  return sandbox;
}

describe("create-cluster, kind self-managed", () => {
  it("creates three control-plane nodes in three zones behind an NLB, joins workers, and a second run changes nothing", async () => {
    const sandbox = await start();
    const first = await createInSandbox(sandbox, spec());
    expect(first.reason).toContain("created and healthy");
    expect(first.outcome).toBe("created");
    expect(first.resources).toMatchObject({ autoScalingGroups: 4, launchTemplates: 4, instances: 6 });
    expect(first.resources).toMatchObject({ loadBalancers: 1, targetGroups: 1 });

    // What the simulator itself sees: three etcd voters, no learner, one per zone.
    const etcd = sandbox.etcd;
    expect(etcd?.voters().length).toBe(3);
    expect(etcd?.learners().length).toBe(0);
    const controlPlane = sandbox.cluster
      .nodes()
      .filter((n) => n.labels["node-role.kubernetes.io/control-plane"] !== undefined);
    expect(new Set(controlPlane.map((n) => n.labels["topology.kubernetes.io/zone"])).size).toBe(3);
    expect(sandbox.cluster.nodes().filter((n) => n.ready).length).toBe(6);
    // Every kubelet registered with the cloud provider's uninitialized taint; the cloud controller manager
    // the first node applied removed it.
    expect(
      sandbox.cluster
        .nodes()
        .filter((n) => n.taints.some((t) => t.key === "node.cloudprovider.kubernetes.io/uninitialized")),
    ).toEqual([]);
    const groups = [...sandbox.region.kubeadm.clusters.values()];
    expect(groups.map((c) => c.name)).toEqual(["edge"]);
    expect(sandbox.region.kubeadm.refusals.size).toBe(0);
    // The hairpin is avoided: the API server's target group does not preserve client IPs.
    const targetGroup = sandbox.region.loadBalancers.targetGroups.get("edge-api");
    expect(targetGroup?.preserveClientIp).toBe(false);
    expect(targetGroup?.targets.length).toBe(3);
    // Join material is gone once the gate passed; the kubeconfig the first node published stays.
    const params = [...sandbox.region.parameterStore.parameters.keys()];
    expect(params.filter((p) => p.includes("/join/"))).toEqual([]);

    const second = await createInSandbox(sandbox, spec());
    expect(second.outcome).toBe("unchanged");
    expect(second.changes).toBe(0);
  });

  it("refuses an even number of control-plane nodes before anything is created, naming the field", async () => {
    const sandbox = await start();
    const even = spec((raw) => {
      raw.controlPlane.nodes = 4;
    });
    const dry = await createInSandbox(sandbox, even, { dryRun: true });
    expect(dry.outcome).toBe("refused");
    expect(dry.reason).toContain("controlPlane.nodes: an odd number (1, 3 or 5) for etcd quorum, got 4");
    const real = await createInSandbox(sandbox, even);
    expect(real.outcome).toBe("refused");
    expect(real.reason).toContain("controlPlane.nodes");
    expect(sandbox.region.loadBalancers.balancers.size).toBe(0);
    expect(real.observed.autoScalingGroups).toBe(0);
  });

  it("plans the self-managed path on a dry run", async () => {
    const sandbox = await start();
    const dry = await createInSandbox(sandbox, spec(), { dryRun: true });
    expect(dry.outcome).toBe("dry-run");
    expect(dry.plan?.join("\n")).toContain("kubeadm init --upload-certs");
    expect(dry.plan?.join("\n")).toContain("client IP preservation off");
    expect(sandbox.region.loadBalancers.balancers.size).toBe(0);
  });

  it("halts before the next join when an etcd member never becomes healthy", async () => {
    const sandbox = await start(
      account((raw) => {
        raw.account.faults = [{ kind: "etcd-member-unhealthy", controlPlaneNode: 2 }];
      }),
    );
    const result = await createInSandbox(sandbox, spec());
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(/control-plane node 2 \(eu-west-1b, i-[0-9a-f]+\) did not become healthy/);
    expect(result.reason).toContain("etcd member");
    expect(result.reason).toContain("halted before joining node 3");
    // Node 3 was never asked for; the quorum of one voter (plus the stuck learner) stands.
    expect(sandbox.region.inventory("edge").autoScalingGroups).toBe(2);
    expect(sandbox.etcd?.voters().length).toBe(1);
    expect(sandbox.etcd?.hasQuorum()).toBe(true);
  });

  it("tug delete removes the groups, templates, load balancer, target group and join material, then finds nothing", async () => {
    const sandbox = await start();
    const created = await createInSandbox(
      sandbox,
      spec((raw) => (raw.healthPasses = 1)),
    );
    expect(created.outcome).toBe("created");
    const deleted = await deleteInSandbox(sandbox, "edge");
    expect(deleted.outcome).toBe("deleted");
    expect(deleted.observed.autoScalingGroups).toBe(0);
    expect(deleted.observed.launchTemplates).toBe(0);
    expect(sandbox.region.loadBalancers.balancers.size).toBe(0);
    expect(sandbox.region.loadBalancers.targetGroups.size).toBe(0);
    // The deleted NLB's listener held the target group for a while: refused once (ResourceInUse), then deleted.
    expect(sandbox.region.apiCalls().byCommand["elasticloadbalancing:DeleteTargetGroup"]).toBe(2);
    expect([...sandbox.region.parameterStore.parameters.keys()].filter((p) => p.includes("/join/"))).toEqual([]);
    // With its NLB gone no API server answers for the cluster, and kubeadm forgot it.
    expect(sandbox.region.kubeServerOf("edge")).toBeUndefined();
    expect(sandbox.region.kubeadm.clusters.has("edge")).toBe(false);
    const again = await deleteInSandbox(sandbox, "edge");
    expect(again.changes).toBe(0);
  });

  it("creates a cluster again under the name of one it deleted, and the second delete leaves nothing", async () => {
    const sandbox = await start();
    const quick = spec((raw) => (raw.healthPasses = 1));
    const secretOf = (cluster: string) =>
      sandbox.deps.clients.secrets.send(new GetSecretValueCommand({ SecretId: `tugboat/${cluster}/etcd` }));
    expect((await createInSandbox(sandbox, quick)).outcome).toBe("created");
    const firstEndpoint = sandbox.region.loadBalancers.balancers.get("edge-api")?.dnsName;
    expect((await deleteInSandbox(sandbox, "edge")).outcome).toBe("deleted");
    // The kubeconfig the first node published and its etcd secret went with the cluster.
    expect(sandbox.region.parameterStore.parameters.has(kubeconfigParameterName("edge"))).toBe(false);
    await expect(secretOf("edge")).rejects.toMatchObject({ name: "ResourceNotFoundException" });

    const again = await createInSandbox(sandbox, quick);
    expect(again.reason).toContain("created and healthy");
    expect(again.outcome).toBe("created");
    // A new balancer (ELB gives the name a new id and DNS name), and access that reaches the new cluster.
    const endpoint = sandbox.region.loadBalancers.balancers.get("edge-api")?.dnsName;
    expect(endpoint).toBeDefined();
    expect(endpoint).not.toBe(firstEndpoint);
    expect(sandbox.region.parameterStore.read(kubeconfigParameterName("edge"), true)).toBeDefined();
    expect((await secretOf("edge")).SecretString).toContain("endpoints");

    const deleted = await deleteInSandbox(sandbox, "edge");
    expect(deleted.outcome).toBe("deleted");
    expect(deleted.observed.autoScalingGroups).toBe(0);
    expect(sandbox.region.loadBalancers.balancers.size).toBe(0);
    expect(sandbox.region.loadBalancers.targetGroups.size).toBe(0);
    expect([...sandbox.region.parameterStore.parameters.keys()].filter((p) => p.startsWith("/tugboat/edge/"))).toEqual(
      [],
    );
    await expect(secretOf("edge")).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("renews join material that would expire before a join on a healthy control-plane node, then joins with it", async () => {
    const sandbox = await start();
    let aged = false;
    const run = await sandbox.run(
      createCluster,
      { spec: spec(), kubeRoleArns: sandboxKubeRoleArns(), accountId: SANDBOX_ACCOUNT_ID },
      {
        // Once node 1 has published the CA hash, the token and certificate key are made a day old, as if the
        // joins had been held up since kubeadm init: both would expire before node 2 joins.
        beforeState: (state) => {
          const params = sandbox.region.parameterStore.parameters;
          if (aged || state !== "Join control plane" || !params.has("/tugboat/edge/join/ca-cert-hash")) return;
          for (const name of ["/tugboat/edge/join/token", "/tugboat/edge/join/certificate-key"]) {
            const record = params.get(name);
            if (record) record.lastModifiedMs -= 24 * 3600 * 1000;
          }
          aged = true;
        },
      },
    );
    expect(aged).toBe(true);
    expect(run.error ?? run.status, JSON.stringify((run.lastOutput as { summary?: unknown })?.summary)).toBe(
      "SUCCEEDED",
    );
    const summary = (run.output as { summary: { outcome: string } }).summary;
    expect(summary.outcome).toBe("created");
    // The cluster learned a second token and a new certificate key through Run Command on node 1.
    const cluster = sandbox.region.kubeadm.clusters.get("edge");
    expect(cluster?.tokens.size).toBe(2);
    expect(sandbox.region.apiCalls().byCommand["ssm:SendCommand"]).toBe(1);
    expect(sandbox.region.kubeadm.refusals.size).toBe(0);
    expect(sandbox.etcd?.voters().length).toBe(3);
  });

  it("gives a second self-managed cluster its own API server and etcd: its nodes register there, the first's stay as they were", async () => {
    const sandbox = await start();
    const first = await createInSandbox(
      sandbox,
      spec((raw) => (raw.healthPasses = 1)),
    );
    expect(first.outcome).toBe("created");
    const second = await createInSandbox(
      sandbox,
      spec((raw) => {
        raw.name = "edge-b";
        raw.healthPasses = 1;
      }),
    );
    expect(second.reason).toContain("created and healthy");
    expect(second.outcome).toBe("created");

    // The first cluster (the sandbox's) kept its six nodes and three voters; the second has its own.
    const edgeB = sandbox.clusterNamed("edge-b");
    expect(edgeB).not.toBe(sandbox.cluster);
    expect(sandbox.cluster.nodes().length).toBe(6);
    expect(edgeB.nodes().filter((n) => n.ready).length).toBe(6);
    expect(edgeB.etcd).toBeDefined();
    expect(edgeB.etcd).not.toBe(sandbox.etcd);
    expect(edgeB.etcd?.voters().length).toBe(3);
    expect(sandbox.etcd?.voters().length).toBe(3);
    const firstNames = new Set(sandbox.cluster.nodes().map((n) => n.name));
    expect(edgeB.nodes().some((n) => firstNames.has(n.name))).toBe(false);

    // What each first node published reaches its own cluster: the kubeconfig lists its nodes only, and
    // the etcd secrets name different gateways.
    const nodesAt = async (cluster: string) => {
      const kc = new KubeConfig();
      kc.loadFromString(sandbox.region.parameterStore.read(kubeconfigParameterName(cluster), true) ?? "");
      const list = await kc.makeApiClient(CoreV1Api).listNode();
      return list.items.map((n) => n.metadata?.name).sort();
    };
    expect(await nodesAt("edge-b")).toEqual(
      edgeB
        .nodes()
        .map((n) => n.name)
        .sort(),
    );
    expect(await nodesAt("edge")).toEqual([...firstNames].sort());
    const etcdOf = async (cluster: string) =>
      (await sandbox.deps.clients.secrets.send(new GetSecretValueCommand({ SecretId: `tugboat/${cluster}/etcd` })))
        .SecretString;
    expect(await etcdOf("edge-b")).not.toEqual(await etcdOf("edge"));
  });
});
