/** The connect checks against a fake port: what is missing, what connect would change, and the endpoint rules. */
import { describe, expect, it } from "vitest";
import { connectCluster } from "../../../../src/core/connect/connect";
import { type ConnectRequest, endpointCheck, inspectCluster } from "../../../../src/core/connect/inspect";
import type {
  AccessEntryView,
  ClusterAccessConfig,
  ConnectPort,
  ManagedGroupView,
} from "../../../../src/core/connect/ports";
import type { RbacObject } from "../../../../src/core/connect/rbac";

const ROLE: RbacObject = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name: "tugboat-steps" },
  rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list", "get"] }],
};

const CONFIG: ClusterAccessConfig = {
  name: "c",
  authenticationMode: "API",
  vpcId: "vpc-1",
  endpointPublicAccess: true,
  endpointPrivateAccess: true,
  publicAccessCidrs: ["0.0.0.0/0"],
};

class FakePort implements ConnectPort {
  entries = new Map<string, AccessEntryView>();
  rbac = new Map<string, RbacObject>();
  groups: ManagedGroupView[] = [
    {
      nodeGroup: "workers",
      kind: "self-managed-asg",
      asgName: "c-workers",
      asgTags: {},
      launchTemplate: { id: "lt-1", name: "c-workers", tags: {} },
    },
  ];
  calls: string[] = [];
  constructor(public config: ClusterAccessConfig | undefined = CONFIG) {}
  async describeCluster() {
    return this.config;
  }
  async describeAccessEntry(_c: string, arn: string) {
    return this.entries.get(arn);
  }
  async createAccessEntry(_c: string, arn: string, groups: string[]) {
    this.calls.push(`create-entry ${arn}`);
    this.entries.set(arn, { principalArn: arn, kubernetesGroups: groups });
  }
  async updateAccessEntry(_c: string, arn: string, groups: string[]) {
    this.calls.push(`update-entry ${arn}`);
    this.entries.set(arn, { principalArn: arn, kubernetesGroups: groups });
  }
  async readRbac(_c: string, object: RbacObject) {
    return this.rbac.get(object.metadata.name);
  }
  async applyRbac(_c: string, object: RbacObject) {
    this.calls.push(`apply ${object.metadata.name}`);
    this.rbac.set(object.metadata.name, structuredClone(object));
  }
  async listNodeGroups() {
    return this.groups;
  }
  async tagAutoScalingGroup(name: string, tags: Record<string, string>) {
    this.calls.push(`tag ${name}`);
    Object.assign(this.groups.find((g) => g.asgName === name)!.asgTags, tags);
  }
  async tagLaunchTemplate(id: string, tags: Record<string, string>) {
    this.calls.push(`tag ${id}`);
    Object.assign(this.groups.find((g) => g.launchTemplate?.id === id)!.launchTemplate!.tags, tags);
  }
}

const request: ConnectRequest = {
  cluster: "c",
  roleArns: ["arn:aws:iam::1:role/a"],
  rbac: [ROLE],
  nodeGroups: [],
  connectCommand: "tug connect c",
};

describe("inspectCluster and connectCluster", () => {
  it("adds the group to an entry that lacks it, replaces a role whose rules differ, and then finds nothing to do", async () => {
    const port = new FakePort();
    port.entries.set("arn:aws:iam::1:role/a", { principalArn: "arn:aws:iam::1:role/a", kubernetesGroups: ["ops"] });
    port.rbac.set("tugboat-steps", {
      ...ROLE,
      rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] }],
    });
    const first = await connectCluster(port, request, { dryRun: false });
    expect(first.changes).toEqual([
      "update access entry arn:aws:iam::1:role/a → groups ops, tugboat-steps",
      "update ClusterRole tugboat-steps",
      "tag auto-scaling-group c-workers tugboat:cluster=c, tugboat:nodegroup=workers",
      "tag launch-template c-workers tugboat:cluster=c",
    ]);
    const second = await connectCluster(port, request, { dryRun: false });
    expect(second.outcome).toBe("unchanged");
    // Rules are compared as sets: the order of verbs does not make a difference.
    expect((await inspectCluster(port, request)).checks.every((c) => c.ok)).toBe(true);
  });

  it("names a node group it cannot find, with what exists", async () => {
    const inspection = await inspectCluster(new FakePort(), { ...request, nodeGroups: ["gpu"] });
    const check = inspection.checks.find((c) => c.name === "node-group gpu");
    expect(check).toMatchObject({ ok: false });
    expect(check?.detail).toContain("(found: workers)");
  });

  it("refuses a cluster that is not EKS, changing nothing", async () => {
    const port = new FakePort();
    port.config = undefined;
    const result = await connectCluster(port, request, { dryRun: false });
    expect(result.outcome).toBe("refused");
    expect(result.reason).toContain("c is not an EKS cluster");
    expect(port.calls).toEqual([]);
  });
});

describe("endpointCheck", () => {
  it("passes steps outside a VPC only with the public endpoint open to 0.0.0.0/0", () => {
    expect(endpointCheck(CONFIG, undefined).ok).toBe(true);
    const narrow = endpointCheck({ ...CONFIG, publicAccessCidrs: ["203.0.113.0/24"] }, undefined);
    expect(narrow).toMatchObject({
      ok: false,
      detail: "steps run outside a VPC but the public endpoint allows only 203.0.113.0/24",
    });
    expect(narrow.fix).toContain("TUGBOAT_VPC_ID=vpc-1");
    expect(endpointCheck({ ...CONFIG, endpointPublicAccess: false }, undefined).ok).toBe(false);
  });

  it("passes steps in the cluster's VPC through the private endpoint, and refuses another VPC when the endpoint is private", () => {
    const privateOnly = { ...CONFIG, endpointPublicAccess: false };
    expect(endpointCheck(privateOnly, "vpc-1").ok).toBe(true);
    expect(endpointCheck(privateOnly, "vpc-2")).toMatchObject({ ok: false });
    expect(endpointCheck({ ...privateOnly, endpointPrivateAccess: false }, "vpc-1").ok).toBe(false);
  });
});
