/**
 * The twin round trip: every built-in scenario's cluster, captured through the production adapters,
 * gives a scenario whose dry-run roll plan is the original's (the same batches, outdated nodes, surge,
 * AZ baseline and PDB risks), ids aside: instance ids, node names and image ids are drawn anew.
 */
import { describe, expect, it } from "vitest";
import { benchGroup } from "../../bench/run-strategy";
import { loadPlan } from "../../src/core/steps/roll/plan";
import { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { BUILTIN_SCENARIOS, loadScenario, parseScenario } from "../../src/sandbox/scenario/load";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { captureSandboxCluster } from "../../src/sandbox/twin-capture";

/** The plan with run-specific ids replaced by their order of appearance. */
function normalized(value: unknown): unknown {
  const seen = new Map<string, string>();
  const text = JSON.stringify(value).replace(
    /\b(i-[0-9a-f]{8,17}|ami-[0-9a-f]{8,17}|lt-[0-9a-f]{8,17}|ip-\d+-\d+-\d+-\d+[.a-z0-9-]*)\b/g,
    (id) => {
      const known = seen.get(id);
      if (known) return known;
      const token = `${id.split("-")[0]}#${seen.size}`;
      seen.set(id, token);
      return token;
    },
  );
  return JSON.parse(text);
}

async function dryRunPlan(scenario: Scenario) {
  const request = { ...benchGroup(scenario), dryRun: true };
  const { result, sandbox, run } = await rollInSandbox({ scenario, request, keepOpen: true });
  try {
    const plan = await loadPlan(sandbox.deps, run.executionArn.split(":").pop() as string);
    const { predictedSeconds: _p, estimateSource: _e, expectations: _x, ...shape } = plan ?? ({} as never);
    return { outcome: result.outcome, outdated: result.nodesOutdatedBefore, plan: normalized(shape) };
  } finally {
    await sandbox.close();
  }
}

async function capture(scenario: Scenario, anonymize = false) {
  const sandbox = await Sandbox.start(scenario);
  try {
    return await captureSandboxCluster(sandbox, { anonymize });
  } finally {
    await sandbox.close();
  }
}

describe("tug twin capture", () => {
  // huge (5,000 nodes) is captured by the same code; its dry runs belong to the bench's time budget.
  // account holds no cluster yet (creation starts from it).
  for (const name of BUILTIN_SCENARIOS.filter((n) => n !== "huge" && n !== "never-seen" && n !== "account")) {
    it(`captures the ${name} cluster into a scenario with the same dry-run plan`, async () => {
      const original = loadScenario(name);
      const { parsed, notes } = await capture(original);
      expect(parsed.cluster.kind).toBe(original.cluster.kind);
      expect(parsed.cluster.version).toBe(original.cluster.version);
      expect(parsed.cluster.nodeGroups.map((g) => g.name).sort()).toEqual(
        original.cluster.nodeGroups.map((g) => g.name).sort(),
      );
      expect(notes).toEqual([]);
      const [expected, twin] = await Promise.all([dryRunPlan(original), dryRunPlan(parsed)]);
      expect(twin).toEqual(expected);
    });
  }

  it("cannot read a cluster Tugboat was never given access to, and says so", async () => {
    await expect(capture(loadScenario("never-seen"))).rejects.toThrow(/401 Unauthorized.*no access entry/);
  });

  it("carries an add-on version and an instance type the catalog does not know", async () => {
    const raw = structuredClone(loadScenario("managed")) as unknown as {
      cluster: {
        addons: Record<string, unknown>;
        instanceTypes?: unknown;
        nodeGroups: { name: string; instanceType: string }[];
      };
    };
    raw.cluster.addons = { ...raw.cluster.addons, "vpc-cni": "v1.99.0-eksbuild.1", "acme-agent": "v2.0.0" };
    raw.cluster.instanceTypes = { "x9z.large": { vcpus: 2, memoryMiB: 8192, maxPods: 29 } };
    const group = raw.cluster.nodeGroups[0] as { name: string; instanceType: string };
    group.instanceType = "x9z.large";
    const original = parseScenario(raw, "managed with unknowns");
    const { parsed } = await capture(original);
    expect(parsed.cluster.addons["vpc-cni"]).toBe("v1.99.0-eksbuild.1");
    expect(parsed.cluster.addons["acme-agent"]).toBe("v2.0.0");
    expect(parsed.cluster.nodeGroups.find((g) => g.name === group.name)?.instanceType).toBe("x9z.large");
  });

  it("hashes namespaces and workload names with --anonymize, keeping kube-system", async () => {
    const { parsed } = await capture(loadScenario("small"), true);
    const names = parsed.cluster.workloads.map((w) => `${w.namespace}/${w.name}`);
    expect(names.some((n) => n.includes("web") || n.includes("data/"))).toBe(false);
    expect(names.filter((n) => n.startsWith("kube-system/")).sort()).toEqual([
      "kube-system/coredns",
      "kube-system/node-exporter",
    ]);
  });
});
