import { describe, expect, it } from "vitest";
import { canRemoveMember, quorumOf } from "../../../../src/core/steps/upgrade/control-plane-nodes";
import { childExecutionName } from "../../../../src/core/steps/upgrade/node-groups";
import { upgradeInputSchema } from "../../../../src/core/upgrade/input";
import { checkSnapshot, judgeInsights } from "../../../../src/core/upgrade/preflight";
import type { ClusterSnapshot } from "../../../../src/core/upgrade/state";

const supported = new Map(["1.29", "1.30", "1.31", "1.32", "1.33"].map((v) => [v, "STANDARD_SUPPORT"]));
const base: ClusterSnapshot = {
  cluster: "prod-eu",
  kind: "eks",
  version: "1.30",
  status: "ACTIVE",
  subnetIds: [],
  nodeGroups: [
    {
      name: "system",
      mode: "eks-managed",
      asgName: "a",
      nodes: 3,
      oldestKubelet: "1.30",
      managedVersion: "1.30",
      managedStatus: "ACTIVE",
    },
  ],
  addons: [],
  nodesNotReady: [],
  nodes: 3,
};
const check = (toVersion: string, snapshot = base) =>
  checkSnapshot(snapshot, upgradeInputSchema.parse({ cluster: "prod-eu", toVersion }), supported).problems;

describe("upgrade preflight", () => {
  it("passes a supported upgrade of a healthy cluster", () => {
    expect(check("1.33")).toEqual([]);
  });

  it("refuses a downgrade, naming both versions", () => {
    expect(check("1.29").join()).toMatch(/1\.29 is older than the control plane's 1\.30: .*cannot be downgraded/);
  });

  it("refuses an unknown version, listing the known ones", () => {
    expect(check("1.40").join()).toMatch(
      /Kubernetes 1\.34 is not a version EKS offers \(known: 1\.29, 1\.30, 1\.31, 1\.32, 1\.33\)/,
    );
  });

  it("refuses while a managed node group is behind the control plane", () => {
    const behind = {
      ...base,
      nodeGroups: [{ ...base.nodeGroups[0]!, managedVersion: "1.29", oldestKubelet: "1.29" }],
    };
    expect(check("1.31", behind).join()).toMatch(
      /managed node group system is on 1\.29, behind the control plane's 1\.30/,
    );
  });

  it("refuses with nodes that are not Ready", () => {
    expect(check("1.31", { ...base, nodesNotReady: ["ip-10-0-1-1"] }).join()).toMatch(
      /1 node\(s\) are not Ready \(ip-10-0-1-1\)/,
    );
  });

  it("blocks on an insight in ERROR unless it is accepted by name, and only reports warnings", () => {
    const insights = [
      { id: "1", name: "Kubelet version skew", status: "ERROR", reason: "nodes too old", description: "" },
      { id: "2", name: "Deprecated APIs", status: "WARNING", reason: "v1beta3 in use", description: "" },
      { id: "3", name: "Cluster health issues", status: "PASSING", reason: "", description: "" },
    ];
    const blocked = judgeInsights(insights, []);
    expect(blocked.problems).toHaveLength(1);
    expect(blocked.problems[0]).toMatch(
      /"Kubelet version skew" is ERROR: nodes too old .*--accept-insight "Kubelet version skew"/,
    );
    expect(blocked.warnings).toHaveLength(1);
    const accepted = judgeInsights(insights, ["Kubelet version skew"]);
    expect(accepted.problems).toEqual([]);
    expect(accepted.findings.find((f) => f.name === "Kubelet version skew")?.accepted).toBe(true);
  });
});

describe("etcd member removal", () => {
  const member = (id: string, healthy = true) => ({
    id,
    name: `cp-${id}`,
    peerUrls: [],
    clientUrls: [],
    isLearner: false,
    healthy,
  });

  it("allows removing one of four healthy members (three remain, one failure to spare)", () => {
    expect(quorumOf(3)).toBe(2);
    expect(canRemoveMember([member("1"), member("2"), member("3"), member("4")], member("1")).ok).toBe(true);
  });

  it("refuses while another member is unhealthy", () => {
    const result = canRemoveMember([member("1"), member("2", false), member("3"), member("4")], member("1"));
    expect(result).toMatchObject({ ok: false });
    expect(result.why).toMatch(/cp-2/);
  });

  it("refuses removing one of three: two left would have no failure to spare", () => {
    expect(canRemoveMember([member("1"), member("2"), member("3")], member("1")).ok).toBe(false);
  });
});

describe("child execution names", () => {
  it("stay within Step Functions' 80 characters and allowed characters", () => {
    const name = childExecutionName(`upgrade-${"x".repeat(70)}`, "spot.workers", "1.33");
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(childExecutionName("run-1", "workers", "1.31")).toBe("run-1-workers-1-31");
  });
});
