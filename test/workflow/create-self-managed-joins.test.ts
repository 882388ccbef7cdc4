/**
 * What the sandbox's kubeadm asks of a node before it lets it join a created self-managed cluster: the
 * checks are the simulator's, made on the launch template's user data and the SSM parameters it names,
 * never on what Tugboat says it did.
 */
import { readFileSync } from "node:fs";
import { CreateLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinParameterNames } from "../../src/core/create/self-managed/join-material";
import { kubeadmUserData } from "../../src/core/create/self-managed/user-data";
import { Sandbox } from "../../src/sandbox/sandbox";
import { createInSandbox } from "../../src/sandbox/sandbox-create";
import { parseScenario } from "../../src/sandbox/scenario/load";

let sandbox: Sandbox;
let endpoint: string;
let token: string;
let caHash: string;
let certificateKey: string;
let templates = 0;
let imageId: string;

beforeAll(async () => {
  const raw = JSON.parse(readFileSync("src/sandbox/scenario/builtin/account.json", "utf8"));
  sandbox = await Sandbox.start(parseScenario(raw, "account (test)"));
  const spec = JSON.parse(readFileSync("docs/examples/edge-kubeadm.json", "utf8"));
  spec.healthPasses = 1;
  const created = await createInSandbox(sandbox, spec);
  expect(created.outcome).toBe("created");
  const cluster = sandbox.region.kubeadm.clusters.get("edge");
  if (!cluster?.certificateKey) throw new Error("kubeadm init registered no cluster");
  endpoint = cluster.endpoint;
  token = [...cluster.tokens.keys()][0] as string;
  caHash = cluster.caHash;
  certificateKey = cluster.certificateKey.value;
  const ami = await sandbox.deps.clients.ssm.send(
    new GetParameterCommand({
      Name: "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id",
    }),
  );
  imageId = ami.Parameter?.Value as string;
});

afterAll(async () => {
  await sandbox?.close();
});

/** Puts join material in SSM as an operator would, then asks kubeadm on a node of a new template. */
async function attempt(
  material: { token?: string; caHash?: string; certificateKey?: string },
  role: "join-control-plane" | "join-worker" = "join-control-plane",
  at = endpoint,
): Promise<string | undefined> {
  const names = joinParameterNames("edge");
  const store = sandbox.region.parameterStore;
  store.put(names.token, material.token ?? token, "SecureString", true);
  store.put(names.caCertHash, material.caHash ?? caHash, "SecureString", true);
  store.put(names.certificateKey, material.certificateKey ?? certificateKey, "SecureString", true);
  const launchTemplate = await probe(role, at);
  const outcome = sandbox.region.kubeadm.join({ groupName: `probe-${templates}`, launchTemplate });
  if (outcome === undefined) throw new Error("kubeadm did not recognise its own user data");
  if ("refusal" in outcome) return outcome.refusal;
  // A node that joins registers with the cluster behind the endpoint it named.
  expect(outcome.cluster).toBe("edge");
  return undefined;
}

/** A launch template with kubeadm user data as Tugboat writes it, for the role and endpoint given. */
async function probe(role: "join-control-plane" | "join-worker", at: string): Promise<{ id: string; version: number }> {
  const userData = kubeadmUserData({
    role,
    cluster: "edge",
    version: "1.33",
    endpoint: at,
    parameters: joinParameterNames("edge"),
    region: "eu-west-1",
  });
  const out = await sandbox.deps.clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `probe-${++templates}`,
      LaunchTemplateData: { ImageId: imageId, InstanceType: "m6i.large", UserData: userData },
    }),
  );
  return { id: out.LaunchTemplate?.LaunchTemplateId as string, version: 1 };
}

describe("the sandbox's kubeadm join checks", () => {
  it("lets a node with the cluster's material join", async () => {
    expect(await attempt({})).toBeUndefined();
    expect(await attempt({}, "join-worker")).toBeUndefined();
  });

  it("registers kubeadm's nodes with the cloud provider's uninitialized taint (the kubelet runs --cloud-provider=external)", async () => {
    const launchTemplate = await probe("join-worker", endpoint);
    expect(sandbox.region.kubeadm.registerTaints({ launchTemplate })).toEqual([
      { key: "node.cloudprovider.kubernetes.io/uninitialized", value: "true", effect: "NoSchedule" },
    ]);
  });

  it("refuses a token that is not [a-z0-9]{6}.[a-z0-9]{16}, or one the cluster does not know", async () => {
    expect(await attempt({ token: "ABCDEF.0123456789abcdef" })).toContain("not of the form");
    expect(await attempt({ token: "abcdef.0123456789abcdef" }, "join-worker")).toContain("unknown to the cluster");
  });

  it("refuses a CA hash of another CA, or one not written sha256:<hex>", async () => {
    expect(await attempt({ caHash: `sha256:${"0".repeat(64)}` }, "join-worker")).toContain("does not match");
    expect(await attempt({ caHash: "0".repeat(64) }, "join-worker")).toContain("sha256:<hex>");
  });

  it("refuses an endpoint that is not the cluster's load balancer", async () => {
    expect(await attempt({}, "join-worker", "internal-other.elb.eu-west-1.amazonaws.com:6443")).toContain(
      "does not resolve",
    );
    const [host] = endpoint.split(":");
    expect(await attempt({}, "join-worker", `${host}:443`)).toContain("connection refused");
  });

  it("times a control-plane join out through the hairpin when the target group preserves client IPs", async () => {
    const group = sandbox.region.loadBalancers.targetGroups.get("edge-api");
    if (!group) throw new Error("no target group");
    group.preserveClientIp = true;
    try {
      expect(await attempt({})).toContain("hairpin");
      // A worker is not a target: it never reaches itself through the NLB.
      expect(await attempt({}, "join-worker")).toBeUndefined();
    } finally {
      group.preserveClientIp = false;
    }
  });

  it("keeps nodes from turning Ready in a cluster whose first node applied no pod network", async () => {
    const cluster = sandbox.region.kubeadm.clusters.get("edge");
    if (!cluster) throw new Error("no cluster");
    cluster.appliesNetworkPlugin = false;
    try {
      expect(await attempt({}, "join-worker")).toContain("cni plugin not initialized");
    } finally {
      cluster.appliesNetworkPlugin = true;
    }
  });

  it("refuses a control-plane join once the uploaded certificates expired (2 h) and a worker once the token did (24 h)", async () => {
    sandbox.clock.advanceBy(2 * 3600 + 60);
    expect(await attempt({})).toContain("kubeadm-certs Secret has expired");
    expect(await attempt({}, "join-worker")).toBeUndefined();
    sandbox.clock.advanceBy(22 * 3600);
    expect(await attempt({}, "join-worker")).toContain("expired");
  });
});
