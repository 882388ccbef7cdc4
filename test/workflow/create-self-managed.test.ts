/**
 * Creating a self-managed (kubeadm) cluster in the sandbox: the create-cluster workflow end to end, with
 * the sandbox checking what each node's kubeadm needs before it lets the node join.
 */
import { readFileSync } from "node:fs";
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
    console.log(JSON.stringify({ ...first, observed: undefined }));

    // What the simulator itself sees: three etcd voters, no learner, one per zone.
    const etcd = sandbox.etcd;
    expect(etcd?.voters().length).toBe(3);
    expect(etcd?.learners().length).toBe(0);
    const controlPlane = sandbox.cluster
      .nodes()
      .filter((n) => n.labels["node-role.kubernetes.io/control-plane"] !== undefined);
    expect(new Set(controlPlane.map((n) => n.labels["topology.kubernetes.io/zone"])).size).toBe(3);
    expect(sandbox.cluster.nodes().filter((n) => n.ready).length).toBe(6);
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
});
