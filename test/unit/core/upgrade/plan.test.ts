import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EksAddonVersion } from "../../../../src/core/model/aws";
import { upgradeInputSchema } from "../../../../src/core/upgrade/input";
import { type AddonCompatibility, addonHops, planUpgrade } from "../../../../src/core/upgrade/plan";
import type { ClusterSnapshot, NodeGroupInfo } from "../../../../src/core/upgrade/state";
import { kubeletSkewAllowed, minorNumber } from "../../../../src/core/upgrade/versions";

const input = (toVersion: string, extra: Record<string, unknown> = {}) =>
  upgradeInputSchema.parse({ cluster: "prod-eu", toVersion, ...extra });

const group = (name: string, mode: NodeGroupInfo["mode"], kubelet: string, nodes = 3): NodeGroupInfo => ({
  name,
  mode,
  asgName: `asg-${name}`,
  nodes,
  oldestKubelet: kubelet,
  newestKubelet: kubelet,
  ...(mode === "eks-managed" ? { managedVersion: kubelet, managedStatus: "ACTIVE" } : {}),
});

const snapshot = (
  version: string,
  groups: NodeGroupInfo[],
  addons: ClusterSnapshot["addons"] = [],
): ClusterSnapshot => ({
  cluster: "prod-eu",
  kind: "eks",
  version,
  status: "ACTIVE",
  subnetIds: [],
  nodeGroups: groups,
  addons,
  nodesNotReady: [],
  nodes: groups.reduce((sum, g) => sum + g.nodes, 0),
});

const v = (version: string, defaultVersion = false): EksAddonVersion => ({ version, defaultVersion });

describe("planUpgrade", () => {
  it("rolls a managed group after every control-plane step and a self-managed group once, at the end", () => {
    const { plan, problems } = planUpgrade(
      snapshot("1.30", [group("system", "eks-managed", "1.30"), group("workers", "self-managed-asg", "1.30", 6)]),
      input("1.33"),
      {},
    );
    expect(problems).toEqual([]);
    expect(plan.path).toEqual(["1.31", "1.32", "1.33"]);
    expect(plan.controlPlaneUpdates).toBe(3);
    expect(plan.nodeGroupRolls).toEqual({ system: 3, workers: 1 });
    expect(plan.phases.map((p) => `${p.kind}:${p.toVersion}`)).toEqual([
      "control-plane:1.31",
      "node-groups:1.31",
      "control-plane:1.32",
      "node-groups:1.32",
      "control-plane:1.33",
      "node-groups:1.33",
    ]);
    const last = plan.phases[5];
    expect(last?.kind === "node-groups" && last.groups.map((g) => g.name)).toEqual(["system", "workers"]);
    expect(plan.predictedSeconds).toBeGreaterThan(3 * 600);
  });

  it("rolls a self-managed group early, to the control plane's current minor, when the next step would break the skew policy", () => {
    const { plan } = planUpgrade(snapshot("1.30", [group("legacy", "self-managed-asg", "1.28")]), input("1.33"), {});
    const rolls = plan.phases.filter((p) => p.kind === "node-groups");
    // 1.31 - 1.28 = 3 is allowed; 1.32 - 1.28 = 4 is not: roll to 1.31 before the 1.32 step, then to 1.33.
    expect(rolls.map((p) => p.toVersion)).toEqual(["1.31", "1.33"]);
    const index = plan.phases.findIndex((p) => p.kind === "node-groups");
    expect(plan.phases[index + 1]).toMatchObject({ kind: "control-plane", toVersion: "1.32" });
    expect(plan.nodeGroupRolls).toEqual({ legacy: 2 });
  });

  it("never lets a planned kubelet fall outside the skew policy, whatever the starting versions", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 25, max: 31 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (from, steps, lag) => {
          const start = `1.${from}`;
          const kubelet = `1.${from - lag}`;
          const target = `1.${from + steps}`;
          const { plan } = planUpgrade(snapshot(start, [group("w", "self-managed-asg", kubelet)]), input(target), {});
          let current = kubelet;
          for (const phase of plan.phases) {
            if (phase.kind === "node-groups") current = phase.toVersion;
            if (phase.kind === "control-plane") expect(kubeletSkewAllowed(phase.toVersion, current)).toBe(true);
          }
          expect(current).toBe(target);
          // One roll at the end unless the skew forces an earlier one.
          expect(plan.nodeGroupRolls.w).toBeLessThanOrEqual(
            Math.ceil((minorNumber(target) - minorNumber(kubelet)) / 2) + 1,
          );
        },
      ),
    );
  });

  it("finishes a rerun at the target: no control-plane step, only what is left behind", () => {
    const { plan } = planUpgrade(
      snapshot("1.31", [group("system", "eks-managed", "1.31"), group("workers", "self-managed-asg", "1.30", 6)]),
      input("1.31"),
      {},
    );
    expect(plan.controlPlaneUpdates).toBe(0);
    expect(plan.phases.map((p) => `${p.kind}:${p.toVersion}`)).toEqual(["node-groups:1.31"]);
    expect(plan.nodeGroupRolls).toEqual({ workers: 1 });
    const done = planUpgrade(snapshot("1.31", [group("system", "eks-managed", "1.31")]), input("1.31"), {});
    expect(done.plan.phases).toEqual([]);
  });

  it("moves an add-on only when its version is not compatible with the new minor, to EKS's default", () => {
    const compatibility: AddonCompatibility = {
      "kube-proxy": {
        "1.31": [v("v1.31.3-eksbuild.2"), v("v1.31.10-eksbuild.2", true)],
        "1.32": [v("v1.32.6-eksbuild.2", true)],
      },
      coredns: {
        "1.31": [v("v1.11.4-eksbuild.2", true), v("v1.11.3-eksbuild.1")],
        "1.32": [v("v1.11.4-eksbuild.2", true)],
      },
    };
    const { plan } = planUpgrade(
      snapshot(
        "1.30",
        [],
        [
          { name: "coredns", version: "v1.11.3-eksbuild.1", status: "ACTIVE" },
          { name: "kube-proxy", version: "v1.30.0-eksbuild.3", status: "ACTIVE" },
        ],
      ),
      input("1.32"),
      compatibility,
    );
    const hops = plan.phases.flatMap((p) =>
      p.kind === "addons" ? p.hops.map((h) => `${p.toVersion} ${h.addon} ${h.version}`) : [],
    );
    expect(hops).toEqual([
      "1.31 kube-proxy v1.31.10-eksbuild.2",
      "1.32 coredns v1.11.4-eksbuild.2",
      "1.32 kube-proxy v1.32.6-eksbuild.2",
    ]);
    expect(plan.addonUpdates).toBe(3);
  });
});

describe("addonHops", () => {
  it("takes the VPC CNI one minor at a time", () => {
    const { hops, problem } = addonHops(
      "vpc-cni",
      "v1.17.1-eksbuild.1",
      [v("v1.20.4-eksbuild.2", true), v("v1.19.6-eksbuild.7"), v("v1.18.6-eksbuild.1")],
      "1.31",
    );
    expect(problem).toBeUndefined();
    expect(hops.map((h) => h.version)).toEqual(["v1.18.6-eksbuild.1", "v1.19.6-eksbuild.7", "v1.20.4-eksbuild.2"]);
    expect(hops[0]?.reason).toContain("one minor at a time");
  });

  it("reports a missing intermediate VPC CNI minor instead of skipping it", () => {
    const { problem } = addonHops("vpc-cni", "v1.17.1-eksbuild.1", [v("v1.19.6-eksbuild.7", true)], "1.32");
    expect(problem).toMatch(/needs a v1\.18\.x version compatible with Kubernetes 1\.32/);
  });

  it("reports an add-on with no compatible version", () => {
    expect(addonHops("coredns", "v1.10.1-eksbuild.13", [], "1.35").problem).toMatch(
      /no version is compatible with Kubernetes 1\.35/,
    );
  });

  it("leaves a compatible add-on alone", () => {
    expect(addonHops("coredns", "v1.11.4-eksbuild.2", [v("v1.11.4-eksbuild.2")], "1.31").hops).toEqual([]);
  });
});
