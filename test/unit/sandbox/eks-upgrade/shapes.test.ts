/**
 * What simulated EKS answers, as the SDK hands it over: shapes, pagination, error names and codes of
 * the cluster-version, add-on and insight APIs.
 */
import {
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterVersionsCommand,
  DescribeInsightsRefreshCommand,
  DescribeUpdateCommand,
  ListAddonsCommand,
  ListInsightsCommand,
  UpdateAddonCommand,
  UpdateClusterVersionCommand,
} from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { harness, rejection, scenario } from "../aws/fakes";

// biome-ignore lint/suspicious/noExplicitAny: cluster fields as a scenario file spells them.
function eks(cluster: Record<string, any> = {}) {
  return harness(
    scenario({
      seed: 5,
      cluster: {
        name: "demo",
        kind: "eks",
        version: "1.30",
        nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } }],
        ...cluster,
      },
    }),
  );
}

describe("DescribeClusterVersions", () => {
  it("pages through the catalog, newest first, in the SDK's shape", async () => {
    const h = eks();
    const first = await h.eks.send(new DescribeClusterVersionsCommand({ maxResults: 4 }));
    expect(first.clusterVersions?.map((v) => v.clusterVersion)).toEqual(["1.34", "1.33", "1.32", "1.31"]);
    expect(first.nextToken).toBeDefined();
    const second = await h.eks.send(new DescribeClusterVersionsCommand({ maxResults: 4, nextToken: first.nextToken }));
    expect(second.clusterVersions?.map((v) => v.clusterVersion)).toEqual(["1.30", "1.29", "1.28"]);
    expect(second.nextToken).toBeUndefined();
    expect(second.clusterVersions?.[0]).toEqual({
      clusterVersion: "1.30",
      clusterType: "eks",
      defaultPlatformVersion: expect.stringMatching(/^eks\.\d+$/),
      defaultVersion: false,
      releaseDate: new Date("2024-05-23T00:00:00Z"),
      endOfStandardSupportDate: new Date("2025-07-23T00:00:00Z"),
      endOfExtendedSupportDate: new Date("2026-07-23T00:00:00Z"),
      status: "extended-support",
      versionStatus: "EXTENDED_SUPPORT",
      kubernetesPatchVersion: "1.30.14",
    });
    const only = await h.eks.send(new DescribeClusterVersionsCommand({ defaultOnly: true }));
    expect(only.clusterVersions?.map((v) => v.clusterVersion)).toEqual(["1.33"]);
  });
});

describe("UpdateClusterVersion", () => {
  it("answers a version EKS does not offer with InvalidParameterException", async () => {
    const h = eks({
      version: "1.34",
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } }],
    });
    const err = await rejection(h.eks.send(new UpdateClusterVersionCommand({ name: "demo", version: "1.35" })));
    expect(err.name).toBe("InvalidParameterException");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400 });
  });

  it("answers a managed node group behind with InvalidRequestException", async () => {
    const h = eks({
      version: "1.31",
      nodeGroups: [
        { name: "b", kind: "eks-managed", kubernetesVersion: "1.30", zones: { "us-east-1a": 1 } },
        { name: "a", kind: "eks-managed", kubernetesVersion: "1.30", zones: { "us-east-1b": 1 } },
      ],
    });
    const err = await rejection(h.eks.send(new UpdateClusterVersionCommand({ name: "demo", version: "1.32" })));
    expect(err.name).toBe("InvalidRequestException");
    expect(err.message).toBe(
      "Nodegroups a, b must be updated to match cluster version 1.31 before updating cluster version",
    );
  });
});

describe("add-on APIs", () => {
  const addons = { "vpc-cni": { version: "v1.18.1-eksbuild.1", configurationValues: '{"env":{"A":"1"}}' } };

  it("lists and describes installed add-ons", async () => {
    const h = eks({ addons });
    expect((await h.eks.send(new ListAddonsCommand({ clusterName: "demo" }))).addons).toEqual(["vpc-cni"]);
    const { addon } = await h.eks.send(new DescribeAddonCommand({ clusterName: "demo", addonName: "vpc-cni" }));
    expect(addon).toMatchObject({
      addonName: "vpc-cni",
      clusterName: "demo",
      status: "ACTIVE",
      addonVersion: "v1.18.1-eksbuild.1",
      configurationValues: '{"env":{"A":"1"}}',
      health: { issues: [] },
      addonArn: expect.stringMatching(/^arn:aws:eks:us-east-1:123456789012:addon\/demo\/vpc-cni\//),
    });
    const missing = await rejection(
      h.eks.send(new DescribeAddonCommand({ clusterName: "demo", addonName: "coredns" })),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.message).toBe("No addon: coredns found in cluster: demo");
  });

  it("describes versions for one Kubernetes version with only that compatibility, newest first", async () => {
    const h = eks();
    const out = await h.eks.send(new DescribeAddonVersionsCommand({ addonName: "coredns", kubernetesVersion: "1.30" }));
    expect(out.addons).toHaveLength(1);
    const info = out.addons?.[0];
    expect(info).toMatchObject({ addonName: "coredns", type: "networking" });
    expect(info?.addonVersions?.map((v) => v.addonVersion)).toEqual([
      "v1.11.4-eksbuild.2",
      "v1.11.3-eksbuild.1",
      "v1.11.1-eksbuild.8",
    ]);
    expect(info?.addonVersions?.[1]?.compatibilities).toEqual([
      { clusterVersion: "1.30", platformVersions: ["*"], defaultVersion: true },
    ]);
    const all = await h.eks.send(new DescribeAddonVersionsCommand({ kubernetesVersion: "1.30", maxResults: 2 }));
    expect(all.addons?.map((a) => a.addonName)).toEqual(["vpc-cni", "coredns"]);
    expect(all.nextToken).toBeDefined();
  });

  it("records an AddonUpdate with its parameters, readable by DescribeUpdate with the add-on's name", async () => {
    const h = eks({ addons });
    const { update } = await h.eks.send(
      new UpdateAddonCommand({
        clusterName: "demo",
        addonName: "vpc-cni",
        addonVersion: "v1.18.6-eksbuild.1",
        resolveConflicts: "PRESERVE",
      }),
    );
    expect(update).toMatchObject({
      type: "AddonUpdate",
      status: "InProgress",
      params: [
        { type: "AddonVersion", value: "v1.18.6-eksbuild.1" },
        { type: "ResolveConflicts", value: "PRESERVE" },
      ],
    });
    const updating = await h.eks.send(new DescribeAddonCommand({ clusterName: "demo", addonName: "vpc-cni" }));
    expect(updating.addon?.status).toBe("UPDATING");
    const again = await rejection(
      h.eks.send(
        new UpdateAddonCommand({ clusterName: "demo", addonName: "vpc-cni", addonVersion: "v1.18.6-eksbuild.1" }),
      ),
    );
    expect(again.name).toBe("ResourceInUseException");

    h.clock.advanceBy(60);
    const read = await h.eks.send(
      new DescribeUpdateCommand({ name: "demo", addonName: "vpc-cni", updateId: update?.id ?? "" }),
    );
    expect(read.update?.status).toBe("Successful");
    const wrongAddon = await rejection(
      h.eks.send(new DescribeUpdateCommand({ name: "demo", addonName: "coredns", updateId: update?.id ?? "" })),
    );
    expect(wrongAddon.name).toBe("ResourceNotFoundException");
    const { addon } = await h.eks.send(new DescribeAddonCommand({ clusterName: "demo", addonName: "vpc-cni" }));
    expect(addon).toMatchObject({
      status: "ACTIVE",
      addonVersion: "v1.18.6-eksbuild.1",
      configurationValues: '{"env":{"A":"1"}}',
    });
  });

  it("refuses add-on updates while the control plane updates", async () => {
    const h = eks({ addons });
    await h.eks.send(new UpdateClusterVersionCommand({ name: "demo", version: "1.31" }));
    const err = await rejection(
      h.eks.send(
        new UpdateAddonCommand({ clusterName: "demo", addonName: "vpc-cni", addonVersion: "v1.18.6-eksbuild.1" }),
      ),
    );
    expect(err.name).toBe("ResourceInUseException");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 409 });
  });
});

describe("insight APIs", () => {
  it("lists insights for the next minor, filtered by status, with a completed refresh from the start", async () => {
    const h = eks({ insights: [{ name: "Custom check", status: "WARNING", description: "something to look at" }] });
    const refresh = await h.eks.send(new DescribeInsightsRefreshCommand({ clusterName: "demo" }));
    expect(refresh.status).toBe("COMPLETED");
    const { insights } = await h.eks.send(new ListInsightsCommand({ clusterName: "demo" }));
    expect(insights?.map((i) => i.name)).toEqual([
      "Kubelet version skew",
      "Amazon EKS add-on version compatibility",
      "Cluster health issues",
      "Custom check",
    ]);
    expect(insights?.[3]).toMatchObject({
      category: "UPGRADE_READINESS",
      kubernetesVersion: "1.31",
      description: "something to look at",
      insightStatus: { status: "WARNING" },
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    const warnings = await h.eks.send(
      new ListInsightsCommand({ clusterName: "demo", filter: { statuses: ["WARNING", "ERROR"] } }),
    );
    expect(warnings.insights?.map((i) => i.name)).toEqual(["Custom check"]);
  });
});
