/**
 * Every verb of Tugboat's RBAC manifest is needed: the Kubernetes requests Tugboat's identity made in
 * one run of each built-in workflow (a forced roll, a Spot interruption reaction and its clean-up, a
 * self-managed upgrade with its control-plane roll, a rebalance) are re-authorized against the manifest with each
 * verb removed in turn, and each removal refuses at least one of them. The runs themselves pass with
 * the manifest as shipped, so nothing in it is missing either.
 */
import { describe, expect, it } from "vitest";
import { tugboatRbac } from "../../src/adapters/kube/rbac-manifest";
import { isRole, type RbacObject, rbacObjectName } from "../../src/core/connect/rbac";
import { RbacAuthorizer } from "../../src/sandbox/kube/auth/rbac-authorizer";
import { RbacStore } from "../../src/sandbox/kube/auth/rbac-store";
import { describeAttributes } from "../../src/sandbox/kube/auth/request-info";
import type { LoggedKubeRequest } from "../../src/sandbox/kube/auth/request-log";
import { Sandbox } from "../../src/sandbox/sandbox";
import { interruptSpotNode, SandboxEvents } from "../../src/sandbox/sandbox-events";
import { rebalanceInSandbox } from "../../src/sandbox/sandbox-rebalance";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { upgradeInSandbox } from "../../src/sandbox/sandbox-upgrade";
import { loadScenario } from "../../src/sandbox/scenario/load";
import { cordonedLiveNodes, scenarioWith } from "./helpers";

interface Mutation {
  label: string;
  objects: RbacObject[];
}

/** The manifest with one verb of one rule removed, for every verb of every rule. */
function withoutEachVerb(manifest: RbacObject[]): Mutation[] {
  const mutations: Mutation[] = [];
  manifest.forEach((object, o) => {
    if (!isRole(object)) return;
    object.rules.forEach((rule, r) => {
      for (const verb of rule.verbs) {
        const objects = structuredClone(manifest);
        const role = objects[o] as typeof object;
        const verbs = rule.verbs.filter((v) => v !== verb);
        role.rules =
          verbs.length > 0
            ? role.rules.map((x, i) => (i === r ? { ...x, verbs } : x))
            : role.rules.filter((_, i) => i !== r);
        mutations.push({ label: `${rbacObjectName(object)}: ${verb} ${(rule.resources ?? []).join(",")}`, objects });
      }
    });
  });
  return mutations;
}

function refusedBy(objects: RbacObject[], requests: LoggedKubeRequest[]): LoggedKubeRequest[] {
  let version = 0;
  const store = new RbacStore(
    () => 0,
    () => String(++version),
  );
  for (const object of objects) store.put(object);
  const authorizer = new RbacAuthorizer(store);
  return requests.filter((r) => !authorizer.authorize(r.identity, r.attributes).allowed);
}

async function recordedRequests(): Promise<LoggedKubeRequest[]> {
  const requests: LoggedKubeRequest[] = [];
  const collect = (sandbox: Sandbox) => {
    expect(sandbox.kubeRequests.denied().map((r) => describeAttributes(r.attributes))).toEqual([]);
    requests.push(...sandbox.kubeRequests.entries());
  };

  // A forced roll: a budget that never clears makes it delete pods after the drain deadline.
  const forced = scenarioWith("small", (raw) => {
    raw.faults = [{ kind: "pdb-blocked", workload: "web" }];
  });
  const roll = await rollInSandbox({
    scenario: forced,
    request: { cluster: "demo", nodeGroup: "workers", force: true, drainTimeoutSeconds: 120 },
    keepOpen: true,
  });
  try {
    expect(roll.result.outcome, roll.result.reason).toBe("succeeded");
    collect(roll.sandbox);
  } finally {
    await roll.sandbox.close();
  }

  // A Spot interruption: cordon, drain, Events; then the termination's clean-up.
  const spot = await Sandbox.start(
    scenarioWith("small", (raw) => {
      raw.cluster.nodeGroups[0].capacityType = "SPOT";
    }),
  );
  try {
    const events = await SandboxEvents.attach(spot);
    const node = spot.cluster.nodes()[0]?.name as string;
    const report = await events.deliver(interruptSpotNode(spot, node));
    expect(report.reactions.map((r) => r.status)).toEqual(["SUCCEEDED"]);
    spot.clock.advanceTo(spot.clock.nowMs() + 180_000);
    await events.deliverRegionEvents();
    collect(spot);
  } finally {
    await spot.close();
  }

  // A self-managed upgrade: /version, PDB preflight, the control-plane roll that deletes replaced nodes.
  const upgrade = await upgradeInSandbox({
    scenario: loadScenario("self-managed"),
    request: { cluster: "edge", toVersion: "1.31" },
    keepOpen: true,
  });
  try {
    expect(upgrade.result.outcome, upgrade.result.reason).toBe("succeeded");
    collect(upgrade.sandbox);
  } finally {
    await upgrade.sandbox.close();
  }
  // A rebalance: the zonal volumes' zones (list persistentvolumes), then cordon, drain, Events.
  const rebalance = await rebalanceInSandbox({
    scenario: loadScenario("rebalance"),
    request: { cluster: "orders" },
    keepOpen: true,
  });
  try {
    expect(rebalance.result.outcome, rebalance.result.reason).toBe("succeeded");
    collect(rebalance.sandbox);
  } finally {
    await rebalance.sandbox.close();
  }
  return requests;
}

describe("Tugboat's RBAC manifest", () => {
  it("needs every verb it grants: removing any one refuses a request a built-in workflow made", async () => {
    const requests = await recordedRequests();
    const manifest = tugboatRbac({ forceDrain: true });
    expect(refusedBy(manifest, requests)).toEqual([]);

    const rows = withoutEachVerb(manifest).map((mutation) => {
      const refused = refusedBy(mutation.objects, requests);
      return {
        without: mutation.label,
        refused: refused.length,
        example: refused[0] ? describeAttributes(refused[0].attributes) : "",
      };
    });
    console.log(
      [
        "verb removed → distinct requests refused (example)",
        ...rows.map((r) => `  ${r.without} → ${r.refused} (${r.example})`),
      ].join("\n"),
    );
    expect(rows.length).toBe(10);
    for (const row of rows) expect(row.refused, row.without).toBeGreaterThan(0);
  });
});

describe("a forced roll without deploy/rbac-force-drain.yaml", () => {
  it("halts at the first pod it would delete, with the 403 named, and leaves nothing cordoned or suspended", async () => {
    const scenario = scenarioWith("small", (raw) => {
      raw.faults = [{ kind: "pdb-blocked", workload: "web" }];
    });
    const sandbox = await Sandbox.start(scenario);
    try {
      // The operator applied deploy/rbac.yaml only.
      sandbox.cluster.state.rbac.delete("ClusterRoleBinding", undefined, "tugboat-force-drain");
      const { result } = await rollInSandbox({
        scenario,
        request: { cluster: "demo", nodeGroup: "workers", force: true, drainTimeoutSeconds: 120 },
        sandbox,
        keepOpen: true,
      });
      expect(result.outcome).toBe("failed");
      expect(result.reason).toMatch(
        /HTTP 403 Forbidden: pods "web-[^"]+" is forbidden: User "arn:aws:sts::123456789012:assumed-role\/tugboat-sandbox\/tugboat" cannot delete resource "pods" in API group "" in the namespace "default"/,
      );
      expect(sandbox.kubeRequests.denied().map((r) => describeAttributes(r.attributes))).toEqual([
        "delete pods in default",
      ]);
      expect(result.podsLost).toBe(0);
      // Halted safely, as after any failed roll: nothing left cordoned or suspended, the lock released.
      expect(cordonedLiveNodes(sandbox)).toEqual([]);
      const group = sandbox.region.snapshot().groups.find((g) => g.name === "demo-workers");
      expect(group?.suspendedProcesses ?? []).toEqual([]);
      expect(await sandbox.deps.state.getLock("demo")).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});
