/**
 * A region with several clusters in the sandbox: each cluster has its own simulated Kubernetes API
 * server (endpoint, CA, token audience), nodes register with the one their bootstrap names, and a
 * created cluster is rolled, upgraded and deleted beside others. Creation holds the cluster lock.
 */
import { UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  ModifyLaunchTemplateCommand,
} from "@aws-sdk/client-ec2";
import { CreateAccessEntryCommand, DescribeClusterCommand } from "@aws-sdk/client-eks";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { eksBearerToken } from "../../src/adapters/aws/eks-token";
import { Sandbox } from "../../src/sandbox/sandbox";
import { createInSandbox, deleteInSandbox } from "../../src/sandbox/sandbox-create";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { upgradeInSandbox } from "../../src/sandbox/sandbox-upgrade";
import { loadScenario, parseScenario } from "../../src/sandbox/scenario/load";

const open: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of open.splice(0)) await sandbox.close();
});

async function start(raw: unknown) {
  const sandbox = await Sandbox.start(parseScenario(raw, "multi (test)"));
  open.push(sandbox);
  return sandbox;
}

function account(region: string) {
  return {
    vpcs: [
      {
        id: "vpc-2",
        cidr: "10.1.0.0/16",
        subnets: [
          { id: "subnet-a", zone: `${region}a`, cidr: "10.1.0.0/19", freeIps: 8000 },
          { id: "subnet-b", zone: `${region}b`, cidr: "10.1.32.0/19", freeIps: 8000 },
        ],
      },
    ],
  };
}

/** A small EKS cluster: one self-managed group of a node per zone, the add-ons nodes need. */
function smallSpec(name: string, region: string, version: string, group: string) {
  return {
    name,
    kind: "eks",
    version,
    region,
    subnetIds: ["subnet-a", "subnet-b"],
    endpoint: { public: true, private: true, publicCidrs: ["203.0.113.0/24"] },
    addons: { "vpc-cni": "default", "kube-proxy": "default", coredns: "default" },
    nodeGroups: [
      {
        name: group,
        kind: "self-managed-asg",
        instanceType: "m6i.large",
        zones: { [`${region}a`]: 1, [`${region}b`]: 1 },
      },
    ],
  };
}

async function describe_(sandbox: Sandbox, name: string) {
  const out = await sandbox.deps.clients.eks.send(new DescribeClusterCommand({ name }));
  return { endpoint: out.cluster?.endpoint ?? "", ca: out.cluster?.certificateAuthority?.data ?? "" };
}

/** Lists nodes at an endpoint with an EKS token minted for `audience`: the HTTP status the API server answers. */
async function listNodesStatus(sandbox: Sandbox, endpoint: string, audience: string): Promise<number> {
  const token = await eksBearerToken({
    clusterName: audience,
    region: sandbox.scenario.region,
    credentials: sandbox.deps.clients.eks.config.credentials,
    now: sandbox.clock.now(),
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: endpoint, skipTLSVerify: true }],
    users: [{ name: "u", token }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  try {
    await kc.makeApiClient(CoreV1Api).listNode();
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? 0;
  }
}

/** An operator publishes a new image for a group: a launch template version with another AMI of the same minor, made default. */
async function publishOtherImage(
  sandbox: Sandbox,
  templateName: string,
  cluster: string,
  nodeGroup: string,
  minor: string,
): Promise<string> {
  const ec2 = sandbox.deps.clients.ec2;
  const described = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [templateName] }));
  const templateId = described.LaunchTemplates?.[0]?.LaunchTemplateId ?? "";
  const images = await ec2.send(
    new DescribeImagesCommand({
      Owners: ["amazon"],
      Filters: [{ Name: "name", Values: [`amazon-eks-node-al2023-x86_64-standard-${minor}-v*`] }],
    }),
  );
  const current = sandbox.region.launchImageOf(nodeGroup, cluster) ?? "";
  const other = (images.Images ?? []).map((i) => i.ImageId ?? "").find((id) => id && id !== current) ?? "";
  const version = await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      SourceVersion: "$Latest",
      LaunchTemplateData: { ImageId: other },
    }),
  );
  await makeDefault(sandbox, templateId, version.LaunchTemplateVersion?.VersionNumber);
  return other;
}

async function makeDefault(sandbox: Sandbox, templateId: string, version: number | undefined): Promise<void> {
  await sandbox.deps.clients.ec2.send(
    new ModifyLaunchTemplateCommand({ LaunchTemplateId: templateId, DefaultVersion: String(version) }),
  );
}

/** A new default version of a template with the user data rewritten. */
async function rewriteUserData(sandbox: Sandbox, templateId: string, rewrite: (text: string) => string) {
  const ec2 = sandbox.deps.clients.ec2;
  const latest = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: ["$Latest"] }),
  );
  const text = Buffer.from(latest.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData ?? "", "base64");
  const version = await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      SourceVersion: "$Latest",
      LaunchTemplateData: { UserData: Buffer.from(rewrite(text.toString("utf8"))).toString("base64") },
    }),
  );
  await makeDefault(sandbox, templateId, version.LaunchTemplateVersion?.VersionNumber);
}

const groupsOf = (sandbox: Sandbox, cluster: string) =>
  sandbox
    .clusterNamed(cluster)
    .nodes()
    .map((n) => n.nodeGroup)
    .sort();

describe("a region with several clusters", () => {
  it("serves a scenario cluster and a created one from their own API servers", async () => {
    const scenario = loadScenario("small");
    const sandbox = await start({ ...scenario, account: account(scenario.region) });
    const scenarioNodes = sandbox.cluster.nodes().map((n) => n.name);

    const created = await createInSandbox(sandbox, smallSpec("side", scenario.region, "1.30", "batch"));
    expect(created.outcome, created.reason).toBe("created");

    // The created cluster's nodes registered with its own API server; the scenario's saw none of them.
    const side = sandbox.clusterNamed("side");
    expect(side).not.toBe(sandbox.cluster);
    expect(side.nodes().map((n) => [n.nodeGroup, n.ready])).toEqual([
      ["batch", true],
      ["batch", true],
    ]);
    expect(sandbox.cluster.nodes().map((n) => n.name)).toEqual(scenarioNodes);
    // Addresses from the account's VPC (10.1.0.0/16), apart from the scenario's (10.0.0.0/16).
    expect(side.nodes().every((n) => n.name.startsWith("ip-10-1-"))).toBe(true);

    // Endpoint, CA and token audience are the cluster's own.
    const demo = await describe_(sandbox, "demo");
    const mine = await describe_(sandbox, "side");
    expect(mine.endpoint).not.toBe(demo.endpoint);
    expect(mine.ca).not.toBe(demo.ca);
    expect(await listNodesStatus(sandbox, mine.endpoint, "side")).toBe(200);
    expect(await listNodesStatus(sandbox, mine.endpoint, "demo")).toBe(401);
    expect(await listNodesStatus(sandbox, demo.endpoint, "side")).toBe(401);

    // Both are Tugboat's to roll: the created group onto a new image, then the scenario's own group.
    await publishOtherImage(sandbox, "side-batch", "side", "batch", "1.30");
    const rolled = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "side", nodeGroup: "batch" },
      sandbox,
      keepOpen: true,
    });
    expect(rolled.result.outcome, rolled.result.reason).toBe("succeeded");
    expect(rolled.result).toMatchObject({ nodesOutdatedBefore: 2, nodesReplaced: 2, nodesOutdatedAfter: 0 });
    expect(side.nodes().filter((n) => n.ready && !n.shuttingDown)).toHaveLength(2);
    expect(sandbox.cluster.nodes().map((n) => n.name)).toEqual(scenarioNodes);

    const scenarioRoll = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "demo", nodeGroup: "workers" },
      sandbox,
      keepOpen: true,
    });
    expect(scenarioRoll.result.outcome, scenarioRoll.result.reason).toBe("succeeded");
    expect(scenarioRoll.result).toMatchObject({ nodesReplaced: 9, pdbViolations: 0, podsLost: 0 });
    expect(side.nodes().every((n) => n.nodeGroup === "batch")).toBe(true);
  });

  it("a node whose user data names another cluster's API server registers there, not with its group's cluster", async () => {
    const sandbox = await start({ seed: 5, region: "eu-west-1", account: account("eu-west-1") });
    const first = await createInSandbox(sandbox, smallSpec("first", "eu-west-1", "1.33", "alpha"));
    const second = await createInSandbox(sandbox, smallSpec("second", "eu-west-1", "1.33", "beta"));
    expect([first.outcome, second.outcome], `${first.reason} / ${second.reason}`).toEqual(["created", "created"]);
    expect(groupsOf(sandbox, "first")).toEqual(["alpha", "alpha"]);
    expect(groupsOf(sandbox, "second")).toEqual(["beta", "beta"]);

    // Give second's nodes first's endpoint but keep second's CA: the kubelet reaches first's API server and
    // fails its TLS handshake, so the node never registers anywhere.
    const a = await describe_(sandbox, "first");
    const b = await describe_(sandbox, "second");
    const templates = await sandbox.deps.clients.ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["second-beta"] }),
    );
    const templateId = templates.LaunchTemplates?.[0]?.LaunchTemplateId ?? "";
    await rewriteUserData(sandbox, templateId, (text) => {
      expect(text).toContain(`apiServerEndpoint: ${b.endpoint}`);
      return text.replace(b.endpoint, a.endpoint);
    });
    const scaleTo = (n: number) =>
      sandbox.deps.clients.autoScaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "second-beta", MaxSize: n, DesiredCapacity: n }),
      );
    await scaleTo(3);
    sandbox.clock.advanceBy(600);
    expect(groupsOf(sandbox, "first")).toEqual(["alpha", "alpha"]);
    expect(groupsOf(sandbox, "second")).toEqual(["beta", "beta"]);

    // With first's CA and name as well, and an EC2_LINUX entry for second's node role in first, the node
    // is first's: it registers there.
    await sandbox.deps.clients.eks.send(
      new CreateAccessEntryCommand({
        clusterName: "first",
        principalArn: "arn:aws:iam::123456789012:role/second-node-role",
        type: "EC2_LINUX",
      }),
    );
    await rewriteUserData(sandbox, templateId, (text) =>
      text.replace(b.ca, a.ca).replace("name: second", "name: first"),
    );
    await scaleTo(4);
    sandbox.clock.advanceBy(600);
    expect(groupsOf(sandbox, "first")).toEqual(["alpha", "alpha", "beta"]);
    expect(groupsOf(sandbox, "second")).toEqual(["beta", "beta"]);
  });
});

describe("a created cluster is the sandbox's", () => {
  it("a second created cluster is created, rolled, upgraded and deleted beside the first", async () => {
    const sandbox = await start({ seed: 3, region: "eu-west-1", account: account("eu-west-1") });
    const kept = await createInSandbox(sandbox, smallSpec("kept", "eu-west-1", "1.33", "base"));
    // The second cluster also has a managed group: EKS drains its nodes through that cluster's API server.
    const cycleSpec = smallSpec("cycle", "eu-west-1", "1.32", "web");
    cycleSpec.nodeGroups.push({
      name: "system",
      kind: "eks-managed",
      instanceType: "m6i.large",
      zones: { "eu-west-1a": 1 },
    });
    const cycle = await createInSandbox(sandbox, cycleSpec);
    expect([kept.outcome, cycle.outcome], `${kept.reason} / ${cycle.reason}`).toEqual(["created", "created"]);
    const keptNodes = sandbox
      .clusterNamed("kept")
      .nodes()
      .map((n) => n.name);
    const web = sandbox.clusterNamed("cycle");
    expect(web).not.toBe(sandbox.clusterNamed("kept"));
    expect(groupsOf(sandbox, "cycle")).toEqual(["system", "web", "web"]);

    await publishOtherImage(sandbox, "cycle-web", "cycle", "web", "1.32");
    const roll = await rollInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "cycle", nodeGroup: "web" },
      sandbox,
      keepOpen: true,
    });
    expect(roll.result.outcome, roll.result.reason).toBe("succeeded");
    expect(roll.result).toMatchObject({ nodesReplaced: 2, nodesOutdatedAfter: 0, figureDisagreements: [] });

    const upgrade = await upgradeInSandbox({
      scenario: sandbox.scenario,
      request: { cluster: "cycle", toVersion: "1.33" },
      sandbox,
      keepOpen: true,
    });
    expect(upgrade.result.outcome, upgrade.result.reason).toBe("succeeded");
    expect(upgrade.result.nodes).toEqual({ total: 3, onTarget: 3 });
    expect(upgrade.result.figureDisagreements).toEqual([]);
    expect(web.state.serverMinor).toBe("1.33");

    const deleted = await deleteInSandbox(sandbox, "cycle");
    expect(deleted.outcome, deleted.reason).toBe("deleted");
    expect(deleted.observed).toMatchObject({
      cluster: 0,
      managedNodeGroups: 0,
      autoScalingGroups: 0,
      launchTemplates: 0,
      instances: 0,
    });
    expect(await deleteInSandbox(sandbox, "cycle")).toMatchObject({ outcome: "unchanged", changes: 0 });

    // The other cluster went on as it was, on its own API server.
    expect(
      sandbox
        .clusterNamed("kept")
        .nodes()
        .map((n) => n.name),
    ).toEqual(keptNodes);
    expect(
      sandbox
        .clusterNamed("kept")
        .nodes()
        .every((n) => n.ready),
    ).toBe(true);
    expect(await listNodesStatus(sandbox, (await describe_(sandbox, "kept")).endpoint, "kept")).toBe(200);
  });
});

describe("creation holds the cluster lock", () => {
  it("refuses a roll, a second creation and a deletion of the cluster while it is created, and releases the lock at the end", async () => {
    const sandbox = await start({ seed: 7, region: "eu-west-1", account: account("eu-west-1") });
    const spec = smallSpec("busy", "eu-west-1", "1.33", "web");
    let during:
      | Promise<
          [
            Awaited<ReturnType<typeof rollInSandbox>>,
            Awaited<ReturnType<typeof createInSandbox>>,
            Awaited<ReturnType<typeof deleteInSandbox>>,
          ]
        >
      | undefined;
    let holder: unknown;
    const created = await createInSandbox(sandbox, spec, {
      run: {
        onEvent: (event) => {
          if (during || event.kind !== "state-entered" || event.state !== "Check control plane") return;
          holder = sandbox.deps.state.getLock("busy");
          during = Promise.all([
            rollInSandbox({
              scenario: sandbox.scenario,
              request: { cluster: "busy", nodeGroup: "web" },
              sandbox,
              keepOpen: true,
            }),
            createInSandbox(sandbox, spec),
            deleteInSandbox(sandbox, "busy"),
          ]);
        },
      },
    });
    expect(created.outcome, created.reason).toBe("created");
    expect(await holder).toMatchObject({ operation: "create-cluster busy" });
    const [roll, second, deletion] = await (during ??
      Promise.reject(new Error("the creation never checked its control plane")));
    expect(roll.result.outcome).toBe("refused");
    expect(roll.result.reason).toMatch(/cluster busy is locked by execution .*create-busy-\d+ \(create-cluster busy/);
    expect(second.outcome).toBe("refused");
    expect(second.reason).toMatch(/cluster busy is locked by execution .*\(create-cluster busy/);
    expect(second.changes).toBe(0);
    expect(deletion.outcome).toBe("refused");
    expect(deletion.reason).toMatch(/cluster busy is locked by execution .*\(create-cluster busy/);
    expect(deletion.observed.cluster).toBe(1);

    // Released on the way out: the cluster can be rolled now, and created again (nothing to change).
    expect(await sandbox.deps.state.getLock("busy")).toBeUndefined();
    const again = await createInSandbox(sandbox, spec);
    expect(again.outcome, again.reason).toBe("unchanged");
    expect(await sandbox.deps.state.getLock("busy")).toBeUndefined();
  });

  it("deletion holds it too: a roll started while the cluster is torn down is refused", async () => {
    const sandbox = await start({ seed: 11, region: "eu-west-1", account: account("eu-west-1") });
    const created = await createInSandbox(sandbox, smallSpec("gone", "eu-west-1", "1.33", "web"));
    expect(created.outcome, created.reason).toBe("created");
    let roll: ReturnType<typeof rollInSandbox> | undefined;
    const deleted = await deleteInSandbox(sandbox, "gone", {
      run: {
        onEvent: (event) => {
          if (roll || event.kind !== "state-entered" || event.state !== "Tear down") return;
          roll = rollInSandbox({
            scenario: sandbox.scenario,
            request: { cluster: "gone", nodeGroup: "web" },
            sandbox,
            keepOpen: true,
          });
        },
      },
    });
    expect(deleted.outcome, deleted.reason).toBe("deleted");
    const refused = await (roll ?? Promise.reject(new Error("the deletion never tore down")));
    expect(refused.result.outcome).toBe("refused");
    expect(refused.result.reason).toMatch(/cluster gone is locked by execution .*\(delete-cluster gone/);
    expect(await sandbox.deps.state.getLock("gone")).toBeUndefined();
  });

  it("releases the lock when creation fails, whether what was made is kept or deleted", async () => {
    const sandbox = await start({
      seed: 9,
      region: "eu-west-1",
      account: { ...account("eu-west-1"), faults: [{ kind: "nodes-never-join", nodeGroup: "web" }] },
    });
    for (const onFailure of ["keep", "delete"]) {
      const name = `broken-${onFailure}`;
      const failed = await createInSandbox(sandbox, { ...smallSpec(name, "eu-west-1", "1.33", "web"), onFailure });
      expect(failed.outcome, failed.reason).toBe("failed");
      expect(failed.reason).toContain("never joined");
      expect(await sandbox.deps.state.getLock(name)).toBeUndefined();
      expect(failed.observed.cluster).toBe(onFailure === "keep" ? 1 : 0);
    }
  });
});
