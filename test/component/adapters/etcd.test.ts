import { CreateLaunchTemplateVersionCommand } from "@aws-sdk/client-ec2";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EtcdMember, KubePort } from "../../../src/core/ports";
import { LEARNER_CATCH_UP_SECONDS } from "../../../src/sandbox/etcd/etcd-cluster";
import { JOIN_RETRY_SECONDS, MEMBER_START_SECONDS } from "../../../src/sandbox/etcd/kubeadm-join";
import { Sandbox } from "../../../src/sandbox/sandbox";
import { scenarioSchema } from "../../../src/sandbox/scenario/schema";
import { PLAIN_TIMING } from "../../support/plain-timing";

const CLUSTER = "kubeadm-lab";
const CONTROL_PLANE_GROUP = `${CLUSTER}-control-plane`;
const ROLE = "node-role.kubernetes.io/control-plane";

const scenario = scenarioSchema.parse({
  name: "self-managed control plane",
  seed: 11,
  // Exact timings: the test advances the clock past a boot and a join.
  timing: PLAIN_TIMING,
  cluster: {
    name: CLUSTER,
    kind: "self-managed",
    version: "1.30",
    controlPlane: { zones: { "us-east-1a": 1, "us-east-1b": 1, "us-east-1c": 1 } },
    nodeGroups: [{ name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 1, "us-east-1b": 1 } }],
    workloads: [
      { kind: "Deployment", name: "web", replicas: 4 },
      { kind: "DaemonSet", namespace: "kube-system", name: "node-agent" },
    ],
  },
});

let sandbox: Sandbox;
let kube: KubePort;

beforeEach(async () => {
  sandbox = await Sandbox.start(scenario);
  kube = await sandbox.deps.kube(CLUSTER);
});

afterEach(async () => {
  await sandbox.close();
});

async function controlPlaneNodes() {
  return (await kube.listNodes()).filter((node) => node.labels[ROLE] !== undefined);
}

function memberOf(members: EtcdMember[], name: string): EtcdMember | undefined {
  return members.find((member) => member.name === name);
}

/** Terminates one control-plane machine the way a roll does, and lets etcd and Auto Scaling react. */
async function replaceControlPlaneNode(nodeName: string): Promise<string> {
  const etcd = await sandbox.deps.etcd(CLUSTER);
  const node = (await controlPlaneNodes()).find((n) => n.name === nodeName);
  const before = new Set((await controlPlaneNodes()).map((n) => n.name));
  expect(await sandbox.deps.autoScaling.terminateInstance(node?.instanceId ?? "", false)).toBe("terminating");
  sandbox.clock.advanceBy(60);
  const dead = memberOf(await etcd.listMembers(), nodeName);
  expect(dead).toMatchObject({ healthy: false });
  // Boot and kubelet registration of the replacement; its join waits on the dead member.
  sandbox.clock.advanceBy(PLAIN_TIMING.instanceBootSeconds + PLAIN_TIMING.nodeReadySeconds + 60);
  const replacement = (await controlPlaneNodes()).find((n) => !before.has(n.name) && n.ready);
  expect(replacement, "a Ready replacement control-plane node").toBeDefined();
  expect((await etcd.listMembers()).map((m) => m.name)).not.toContain(replacement?.name);
  expect(await etcd.removeMember(dead?.id ?? "")).toBe("removed");
  sandbox.clock.advanceBy(JOIN_RETRY_SECONDS + MEMBER_START_SECONDS);
  expect(memberOf(await etcd.listMembers(), replacement?.name ?? "")).toMatchObject({ healthy: true });
  return replacement?.name ?? "";
}

describe("self-managed control plane and etcd, through the production adapters", () => {
  it("lists one healthy member per control-plane node, named after it", async () => {
    const etcd = await sandbox.deps.etcd(CLUSTER);
    const members = await etcd.listMembers();
    const nodes = await controlPlaneNodes();
    expect(nodes).toHaveLength(3);
    expect(members.map((m) => m.name).sort()).toEqual(nodes.map((n) => n.name).sort());
    for (const member of members) {
      expect(member).toMatchObject({ healthy: true, isLearner: false });
      expect(member.id).toMatch(/^\d+$/);
      expect(member.peerUrls[0]).toMatch(/^https:\/\/10\.0\.\d+\.\d+:2380$/);
      expect(member.clientUrls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/members\/[0-9a-f]+$/);
    }
  });

  it("registers control-plane nodes with the role label and taint, keeps workloads off them, and mirrors the static pods", async () => {
    const nodes = await controlPlaneNodes();
    for (const node of nodes) {
      expect(node.labels[ROLE]).toBe("");
      expect(node.taints).toContainEqual(expect.objectContaining({ key: ROLE, effect: "NoSchedule" }));
    }
    const names = new Set(nodes.map((n) => n.name));
    const pods = await kube.listPods();
    const web = pods.filter((p) => p.ownerKind === "ReplicaSet");
    expect(web).toHaveLength(4);
    expect(web.every((p) => p.nodeName !== undefined && !names.has(p.nodeName))).toBe(true);
    for (const node of nodes) {
      const onNode = await kube.listPods({ nodeName: node.name });
      const mirrors = onNode.filter((p) => p.mirror);
      expect(mirrors.map((p) => p.name).sort()).toEqual(
        ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((c) => `${c}-${node.name}`),
      );
      expect(mirrors.every((p) => p.namespace === "kube-system" && p.ready && p.ownerKind === "Node")).toBe(true);
      expect(onNode.some((p) => p.ownerKind === "DaemonSet")).toBe(true);
    }
  });

  it("keeps the control-plane group out of worker discovery by tags", async () => {
    const groups = await sandbox.deps.autoScaling.findGroupsByTags({ "tugboat:cluster": CLUSTER });
    const controlPlane = groups.find((g) => g.name === CONTROL_PLANE_GROUP);
    expect(controlPlane).toMatchObject({ minSize: 3, maxSize: 3, desiredCapacity: 3 });
    expect(controlPlane?.tags).toMatchObject({
      "tugboat:role": "control-plane",
      [`kubernetes.io/cluster/${CLUSTER}`]: "owned",
    });
    const workers = groups.filter((g) => g.tags["tugboat:nodegroup"] !== undefined);
    expect(workers.map((g) => g.name)).toEqual([`${CLUSTER}-workers`]);
  });

  it("replaces a terminated control-plane machine: the dead member stays unhealthy until removed, then the new node joins", async () => {
    const [first] = await controlPlaneNodes();
    const replacement = await replaceControlPlaneNode(first?.name ?? "");
    const etcd = await sandbox.deps.etcd(CLUSTER);
    const members = await etcd.listMembers();
    expect(members).toHaveLength(3);
    expect(members.every((m) => m.healthy)).toBe(true);
    expect(members.map((m) => m.name)).toContain(replacement);
    const monitor = sandbox.etcd?.monitor;
    expect(monitor?.minimumMargin()).toBe(0);
    expect(monitor?.everLostQuorum()).toBe(false);
    expect(monitor?.history().some((s) => s.members === 3 && s.healthy === 2)).toBe(true);
  });

  it("refuses, as a terminal error, to remove a healthy member while another is down, and answers not-found for a removed id", async () => {
    const etcd = await sandbox.deps.etcd(CLUSTER);
    const [first, second] = await controlPlaneNodes();
    await sandbox.deps.autoScaling.terminateInstance(first?.instanceId ?? "", false);
    sandbox.clock.advanceBy(60);
    const members = await etcd.listMembers();
    const healthy = memberOf(members, second?.name ?? "");
    const refused = etcd.removeMember(healthy?.id ?? "");
    await expect(refused).rejects.toMatchObject({ name: "TerminalError" });
    await expect(refused).rejects.toThrow("etcdserver: unhealthy cluster");
    const dead = memberOf(members, first?.name ?? "");
    expect(await etcd.removeMember(dead?.id ?? "")).toBe("removed");
    expect(await etcd.removeMember(dead?.id ?? "")).toBe("not-found");
  });

  it("promotes a learner through etcd's gateway: not in sync while it catches up, then promoted", async () => {
    const etcd = await sandbox.deps.etcd(CLUSTER);
    const cluster = sandbox.etcd as NonNullable<typeof sandbox.etcd>;
    const added = cluster.addLearner("cp-new", "i-0123456789abcdef0", "https://10.0.9.9:2380");
    cluster.startMember(added.id);
    const learner = (await etcd.listMembers()).find((m) => m.name === "cp-new");
    expect(learner).toMatchObject({ isLearner: true, healthy: true });
    expect(await etcd.promoteMember(learner?.id ?? "")).toBe("not-in-sync");
    sandbox.clock.advanceBy(LEARNER_CATCH_UP_SECONDS);
    expect(await etcd.promoteMember(learner?.id ?? "")).toBe("promoted");
    expect((await etcd.listMembers()).find((m) => m.name === "cp-new")).toMatchObject({ isLearner: false });
    expect(await etcd.promoteMember(learner?.id ?? "")).toBe("not-learner");
    expect(await etcd.promoteMember("12345")).toBe("not-found");
    expect(sandbox.etcd?.monitor.minimumMargin()).toBe(1);
  });

  it("reports the oldest minor among Ready API servers as the control plane rolls to a new AMI", async () => {
    expect(await kube.serverVersion()).toEqual({ minor: "1.30", gitVersion: expect.stringMatching(/^v1\.30\.\d+$/) });
    const { clients } = sandbox.deps;
    const ami = await clients.ssm.send(
      new GetParameterCommand({
        Name: "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id",
      }),
    );
    const group = await sandbox.deps.autoScaling.describeGroup(CONTROL_PLANE_GROUP);
    await clients.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: group?.launchTemplate?.id,
        SourceVersion: "$Latest",
        LaunchTemplateData: { ImageId: ami.Parameter?.Value },
      }),
    );
    const oldNodes = (await controlPlaneNodes()).map((n) => n.name);
    const replaced = await replaceControlPlaneNode(oldNodes[0] ?? "");
    const newNode = (await controlPlaneNodes()).find((n) => n.name === replaced);
    expect(newNode?.kubeletVersion).toMatch(/^v1\.31\./);
    expect((await kube.serverVersion()).minor).toBe("1.30");
    await replaceControlPlaneNode(oldNodes[1] ?? "");
    expect((await kube.serverVersion()).minor).toBe("1.30");
    await replaceControlPlaneNode(oldNodes[2] ?? "");
    expect(await kube.serverVersion()).toEqual({ minor: "1.31", gitVersion: expect.stringMatching(/^v1\.31\.\d+$/) });
    expect(sandbox.etcd?.monitor.everLostQuorum()).toBe(false);
  });

  it("fails API writes with etcd's timeout while etcd has lost its quorum", async () => {
    const [first, second] = await controlPlaneNodes();
    const worker = (await kube.listNodes()).find((n) => n.labels[ROLE] === undefined);
    await sandbox.deps.autoScaling.terminateInstance(first?.instanceId ?? "", false);
    await sandbox.deps.autoScaling.terminateInstance(second?.instanceId ?? "", false);
    sandbox.clock.advanceBy(10);
    expect(sandbox.etcd?.monitor.everLostQuorum()).toBe(true);
    await expect(kube.setUnschedulable(worker?.name ?? "", true)).rejects.toThrow("etcdserver: request timed out");
    // Reads are still served from the API server's watch cache.
    expect((await kube.listNodes()).length).toBeGreaterThan(0);
  });

  it("hands out the gateway in the etcd secret, and the gateway speaks etcd's JSON", async () => {
    const secret = await sandbox.deps.clients.secrets.send(
      new GetSecretValueCommand({ SecretId: `tugboat/${CLUSTER}/etcd` }),
    );
    const { endpoints } = JSON.parse(secret.SecretString ?? "{}") as { endpoints: string[] };
    expect(endpoints).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]);
    const list = await fetch(`${endpoints[0]}/v3/cluster/member/list`, { method: "POST", body: "{}" });
    const body = (await list.json()) as { header: Record<string, unknown>; members: Record<string, unknown>[] };
    for (const field of ["cluster_id", "member_id", "raft_term", "revision"]) {
      expect(body.header[field]).toMatch(/^\d+$/);
    }
    expect(body.members[0]).toEqual({
      ID: expect.stringMatching(/^\d+$/),
      name: expect.any(String),
      peerURLs: [expect.any(String)],
      clientURLs: [expect.any(String)],
      isLearner: false,
    });
    const missing = await fetch(`${endpoints[0]}/v3/cluster/member/remove`, {
      method: "POST",
      body: JSON.stringify({ ID: "42" }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: "etcdserver: member not found",
      code: 5,
      message: "etcdserver: member not found",
    });
    const clientUrl = (body.members[0]?.clientURLs as string[] | undefined)?.[0];
    const health = await fetch(`${clientUrl}/health`);
    expect(await health.json()).toEqual({ health: "true", reason: "" });
  });
});
