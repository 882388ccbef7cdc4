/**
 * The EKS, EC2, Auto Scaling and SSM surface of a cluster upgrade, through the production adapters
 * (createAwsDeps as Sandbox.start builds it) against the simulated region and API server.
 */
import { describe, expect, it } from "vitest";
import { TerminalError } from "../../../src/core/errors";
import type { EksUpdateState } from "../../../src/core/model/aws";
import { Sandbox } from "../../../src/sandbox/sandbox";
import { type Scenario, scenarioSchema } from "../../../src/sandbox/scenario/schema";

const CLUSTER = "demo";

// biome-ignore lint/suspicious/noExplicitAny: cluster fields as a scenario file spells them.
function eksScenario(cluster: Record<string, any> = {}): Scenario {
  return scenarioSchema.parse({
    seed: 11,
    cluster: {
      name: CLUSTER,
      kind: "eks",
      version: "1.30",
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1, "us-east-1b": 1 } }],
      ...cluster,
    },
  });
}

async function withSandbox(scenario: Scenario, body: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await Sandbox.start(scenario);
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Moves virtual time a minute at a time until the update leaves InProgress. */
async function settle(
  sandbox: Sandbox,
  request: { cluster: string; addonName?: string; updateId: string },
  maxMinutes = 60,
): Promise<EksUpdateState> {
  for (let minute = 0; minute < maxMinutes; minute++) {
    const update = await sandbox.deps.eks.describeUpdate(request);
    if (update.status !== "InProgress") return update;
    sandbox.clock.advanceBy(60);
  }
  throw new Error(`update ${request.updateId} still in progress after ${maxMinutes} minutes`);
}

describe("cluster versions", () => {
  it("lists the versions EKS offers, with their support status and the default", async () => {
    await withSandbox(eksScenario(), async (sandbox) => {
      const versions = await sandbox.deps.eks.describeClusterVersions();
      expect(versions.map((v) => v.version)).toEqual(["1.34", "1.33", "1.32", "1.31", "1.30", "1.29", "1.28"]);
      expect(versions.find((v) => v.version === "1.29")?.status).toBe("EXTENDED_SUPPORT");
      expect(versions.find((v) => v.version === "1.32")?.status).toBe("STANDARD_SUPPORT");
      expect(versions.filter((v) => v.defaultVersion).map((v) => v.version)).toEqual(["1.33"]);
    });
  });

  it("refuses to skip a minor and to leave a managed node group behind", async () => {
    const scenario = eksScenario({
      version: "1.31",
      nodeGroups: [
        { name: "old", kind: "eks-managed", kubernetesVersion: "1.30", zones: { "us-east-1a": 1 } },
        { name: "new", kind: "eks-managed", zones: { "us-east-1b": 1 } },
      ],
    });
    await withSandbox(scenario, async (sandbox) => {
      const skip = await rejection(sandbox.deps.eks.updateClusterVersion({ cluster: CLUSTER, version: "1.33" }));
      expect(skip).toBeInstanceOf(TerminalError);
      expect(skip.message).toContain("Unsupported Kubernetes minor version update from 1.31 to 1.33");

      const behind = await rejection(sandbox.deps.eks.updateClusterVersion({ cluster: CLUSTER, version: "1.32" }));
      expect(behind).toBeInstanceOf(TerminalError);
      expect(behind.message).toContain(
        "Nodegroups old must be updated to match cluster version 1.31 before updating cluster version",
      );
      expect((await sandbox.deps.eks.describeCluster(CLUSTER))?.version).toBe("1.31");
    });
  });

  it("moves the control plane one minor, and GET /version follows it", async () => {
    await withSandbox(eksScenario(), async (sandbox) => {
      const kube = await sandbox.deps.kube(CLUSTER);
      expect((await kube.serverVersion()).minor).toBe("1.30");
      const started = await sandbox.deps.eks.updateClusterVersion({ cluster: CLUSTER, version: "1.31" });
      expect(started).toMatchObject({ type: "VersionUpdate", status: "InProgress" });
      expect((await sandbox.deps.eks.describeCluster(CLUSTER))?.status).toBe("UPDATING");
      // A second update while the first runs is a conflict: worth waiting for, not a failure.
      const again = await rejection(sandbox.deps.eks.updateClusterVersion({ cluster: CLUSTER, version: "1.31" }));
      expect(again.name).toBe("RetryableError");

      const done = await settle(sandbox, { cluster: CLUSTER, updateId: started.id });
      expect(done.status).toBe("Successful");
      expect(await sandbox.deps.eks.describeCluster(CLUSTER)).toMatchObject({ version: "1.31", status: "ACTIVE" });
      expect((await kube.serverVersion()).minor).toBe("1.31");
    });
  });

  it("fails the update, keeping the version, when the cluster subnets have fewer than five free addresses", async () => {
    await withSandbox(eksScenario(), async (sandbox) => {
      const cluster = await sandbox.deps.eks.describeCluster(CLUSTER);
      const subnetIds = cluster?.subnetIds ?? [];
      expect(subnetIds).toHaveLength(2);
      for (const id of subnetIds) sandbox.region.setFreeAddresses(id, 2);
      const subnets = await sandbox.deps.ec2.describeSubnets(subnetIds);
      expect(subnets.map((s) => s.availableIpAddressCount)).toEqual([2, 2]);

      const started = await sandbox.deps.eks.updateClusterVersion({ cluster: CLUSTER, version: "1.31" });
      const done = await settle(sandbox, { cluster: CLUSTER, updateId: started.id });
      expect(done.status).toBe("Failed");
      expect(done.errors[0]?.code).toBe("InsufficientFreeAddresses");
      expect([...(done.errors[0]?.resourceIds ?? [])].sort()).toEqual([...subnetIds].sort());
      expect(await sandbox.deps.eks.describeCluster(CLUSTER)).toMatchObject({ version: "1.30", status: "ACTIVE" });
      expect((await (await sandbox.deps.kube(CLUSTER)).serverVersion()).minor).toBe("1.30");
    });
  });
});

describe("subnets", () => {
  it("reports usable addresses minus the ones instances hold", async () => {
    await withSandbox(
      eksScenario({ nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 3 } }] }),
      async (sandbox) => {
        const cluster = await sandbox.deps.eks.describeCluster(CLUSTER);
        const [subnet] = await sandbox.deps.ec2.describeSubnets(cluster?.subnetIds ?? []);
        // A /20 has 4096 addresses; AWS keeps five, three nodes hold one each.
        expect(subnet).toMatchObject({ availabilityZone: "us-east-1a", availableIpAddressCount: 4096 - 5 - 3 });
      },
    );
  });
});

describe("add-ons", () => {
  const config = JSON.stringify({ env: { ENABLE_PREFIX_DELEGATION: "true" } });
  const scenario = eksScenario({
    version: "1.31",
    addons: {
      "vpc-cni": { version: "v1.18.1-eksbuild.1", configurationValues: config },
      coredns: "v1.11.3-eksbuild.1",
      "kube-proxy": "v1.31.3-eksbuild.2",
    },
  });

  it("lists installed add-ons with their configuration, and the versions compatible with a Kubernetes version", async () => {
    await withSandbox(scenario, async (sandbox) => {
      expect(await sandbox.deps.eks.listAddons(CLUSTER)).toEqual([
        { name: "coredns", version: "v1.11.3-eksbuild.1", status: "ACTIVE" },
        { name: "kube-proxy", version: "v1.31.3-eksbuild.2", status: "ACTIVE" },
        { name: "vpc-cni", version: "v1.18.1-eksbuild.1", status: "ACTIVE", configurationValues: config },
      ]);
      const cni = await sandbox.deps.eks.describeAddonVersions({ addonName: "vpc-cni", kubernetesVersion: "1.33" });
      expect(cni.map((v) => v.version)).toEqual(["v1.20.4-eksbuild.2", "v1.20.1-eksbuild.3", "v1.19.6-eksbuild.7"]);
      expect(cni.filter((v) => v.defaultVersion).map((v) => v.version)).toEqual(["v1.19.6-eksbuild.7"]);
      const proxy = await sandbox.deps.eks.describeAddonVersions({
        addonName: "kube-proxy",
        kubernetesVersion: "1.32",
      });
      expect(proxy.map((v) => v.version)).toEqual(["v1.32.6-eksbuild.2", "v1.32.0-eksbuild.2"]);
    });
  });

  it("updates the VPC CNI one minor at a time and keeps its configuration values", async () => {
    await withSandbox(scenario, async (sandbox) => {
      const { eks } = sandbox.deps;
      const skip = await rejection(
        eks.updateAddon({ cluster: CLUSTER, addonName: "vpc-cni", version: "v1.20.1-eksbuild.3" }),
      );
      expect(skip).toBeInstanceOf(TerminalError);
      expect(skip.message).toContain("v1.19.x");

      const incompatible = await rejection(
        eks.updateAddon({ cluster: CLUSTER, addonName: "kube-proxy", version: "v1.32.0-eksbuild.2" }),
      );
      expect(incompatible.message).toContain("Addon version specified is not supported");

      const first = await eks.updateAddon({ cluster: CLUSTER, addonName: "vpc-cni", version: "v1.19.6-eksbuild.7" });
      expect(first).toMatchObject({ type: "AddonUpdate", status: "InProgress" });
      // The control plane waits for the add-on update to finish.
      const busy = await rejection(eks.updateClusterVersion({ cluster: CLUSTER, version: "1.32" }));
      expect(busy.name).toBe("RetryableError");
      expect((await settle(sandbox, { cluster: CLUSTER, addonName: "vpc-cni", updateId: first.id })).status).toBe(
        "Successful",
      );

      const second = await eks.updateAddon({ cluster: CLUSTER, addonName: "vpc-cni", version: "v1.20.1-eksbuild.3" });
      await settle(sandbox, { cluster: CLUSTER, addonName: "vpc-cni", updateId: second.id });
      const cni = (await eks.listAddons(CLUSTER)).find((a) => a.name === "vpc-cni");
      expect(cni).toEqual({
        name: "vpc-cni",
        version: "v1.20.1-eksbuild.3",
        status: "ACTIVE",
        configurationValues: config,
      });
    });
  });

  it("refuses at build a scenario add-on version that does not run on the cluster's version", async () => {
    const bad = eksScenario({ version: "1.33", addons: { "vpc-cni": "v1.18.1-eksbuild.1" } });
    const err = await rejection(Sandbox.start(bad));
    expect(err.message).toContain("vpc-cni v1.18.1-eksbuild.1 does not run on Kubernetes 1.33");
    expect(err.message).toContain("v1.19.6-eksbuild.7");
  });
});

describe("upgrade insights", () => {
  it("refreshes on the virtual clock and reports kubelet skew, add-on compatibility and the scenario's insights", async () => {
    const scenario = eksScenario({
      nodeGroups: [
        { name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } },
        { name: "legacy", kind: "self-managed-asg", kubernetesVersion: "1.27", zones: { "us-east-1b": 1 } },
      ],
      addons: { "vpc-cni": "v1.17.1-eksbuild.1" },
      insights: [
        {
          name: "Deprecated APIs removed in Kubernetes v1.31",
          status: "ERROR",
          description: "flowcontrol v1beta3 in use",
        },
      ],
    });
    await withSandbox(scenario, async (sandbox) => {
      const { eks } = sandbox.deps;
      await eks.startInsightsRefresh(CLUSTER);
      expect(await eks.describeInsightsRefresh(CLUSTER)).toBe("IN_PROGRESS");
      sandbox.clock.advanceBy(30);
      expect(await eks.describeInsightsRefresh(CLUSTER)).toBe("COMPLETED");

      const insights = await eks.listInsights(CLUSTER);
      const byName = new Map(insights.map((i) => [i.name, i]));
      expect(byName.get("Kubelet version skew")).toMatchObject({ status: "ERROR", kubernetesVersion: "1.31" });
      expect(byName.get("Kubelet version skew")?.reason).toContain("kubelet 1.27");
      expect(byName.get("Amazon EKS add-on version compatibility")).toMatchObject({ status: "WARNING" });
      expect(byName.get("Amazon EKS add-on version compatibility")?.reason).toContain("vpc-cni v1.17.1-eksbuild.1");
      expect(byName.get("Cluster health issues")?.status).toBe("PASSING");
      expect(byName.get("Deprecated APIs removed in Kubernetes v1.31")).toMatchObject({
        status: "ERROR",
        description: "flowcontrol v1beta3 in use",
      });
    });
  });
});

describe("node group launch templates and AMIs", () => {
  it("reads the recommended AMI, makes a launch template version with it, and points a group at it", async () => {
    const scenario = eksScenario({
      nodeGroups: [{ name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 1 } }],
    });
    await withSandbox(scenario, async (sandbox) => {
      const { autoScaling, ec2, parameters } = sandbox.deps;
      const ami = await parameters.recommendedEksAmi("1.31");
      expect(ami?.imageId).toMatch(/^ami-[0-9a-f]{17}$/);
      expect(ami?.releaseVersion).toMatch(/^1\.31\.\d+-\d{8}$/);
      expect(await parameters.recommendedEksAmi("1.x")).toBeUndefined();

      const group = await autoScaling.describeGroup("demo-workers");
      const template = group?.launchTemplate;
      if (!template || !ami) throw new Error("the scenario group has a launch template and 1.31 has an AMI");
      const before = await ec2.describeLaunchTemplateVersion(template.id, "$Latest");
      const created = await ec2.createLaunchTemplateVersion({
        templateId: template.id,
        sourceVersion: before.versionNumber,
        imageId: ami.imageId,
        description: "Kubernetes 1.31",
      });
      expect(created).toMatchObject({
        templateId: template.id,
        versionNumber: String(Number(before.versionNumber) + 1),
        imageId: ami.imageId,
        instanceType: before.instanceType,
      });

      await autoScaling.setLaunchTemplate("demo-workers", { id: template.id, version: created.versionNumber });
      expect((await autoScaling.describeGroup("demo-workers"))?.launchTemplate).toMatchObject({
        id: template.id,
        version: created.versionNumber,
      });
    });
  });

  it("refuses a managed node group launch template whose AMI is newer than the control plane or older than the group", async () => {
    const scenario = eksScenario({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 1 } }],
    });
    await withSandbox(scenario, async (sandbox) => {
      const { eks, ec2, parameters } = sandbox.deps;
      const nodegroup = await eks.describeNodegroup(CLUSTER, "workers");
      const templateId = nodegroup?.launchTemplate?.id ?? "";
      const withAmi = async (minor: string) => {
        const ami = await parameters.recommendedEksAmi(minor);
        return ec2.createLaunchTemplateVersion({
          templateId,
          sourceVersion: nodegroup?.launchTemplate?.version ?? "$Default",
          imageId: ami?.imageId ?? "",
          description: `Kubernetes ${minor}`,
        });
      };
      const newer = await withAmi("1.31");
      const tooNew = await rejection(
        eks.updateNodegroupVersion({
          cluster: CLUSTER,
          nodegroup: "workers",
          launchTemplate: { id: templateId, version: newer.versionNumber },
        }),
      );
      expect(tooNew.message).toContain(
        "Requested Nodegroup version 1.31 is invalid. Allowed Nodegroup versions are 1.30",
      );

      const older = await withAmi("1.29");
      const tooOld = await rejection(
        eks.updateNodegroupVersion({
          cluster: CLUSTER,
          nodegroup: "workers",
          launchTemplate: { id: templateId, version: older.versionNumber },
        }),
      );
      expect(tooOld.message).toContain("Requested Nodegroup version 1.29 is older than the current version 1.30");
      expect((await eks.describeNodegroup(CLUSTER, "workers"))?.status).toBe("ACTIVE");
    });
  });
});
