/** The pure parts of self-managed creation: join material, placement of control-plane nodes, user data. */
import { describe, expect, it } from "vitest";
import {
  bootstrapTokenFrom,
  CA_HASH_PATTERN,
  certificateKeyFrom,
  freshEnough,
  TOKEN_PATTERN,
} from "../../../../src/core/create/self-managed/join-material";
import { apiLoadBalancerName, controlPlaneSlots } from "../../../../src/core/create/self-managed/layout";
import { kubeadmUserData } from "../../../../src/core/create/self-managed/user-data";
import { parseClusterSpec } from "../../../../src/core/create/spec";

const subnets = ["a", "b", "c"].map((z) => ({
  subnetId: `subnet-${z}`,
  zone: `eu-west-1${z}`,
  cidr: "10.0.0.0/19",
  vpcId: "vpc-1",
  freeIps: 100,
}));

function spec(nodes: number, subnetIds = ["subnet-a", "subnet-b", "subnet-c"]) {
  return parseClusterSpec({
    name: "edge",
    kind: "self-managed",
    version: "1.33",
    region: "eu-west-1",
    subnetIds,
    controlPlane: { nodes },
  });
}

describe("join material", () => {
  it("makes tokens and certificate keys of kubeadm's forms from random bytes", () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 37);
    expect(bootstrapTokenFrom(bytes)).toMatch(TOKEN_PATTERN);
    expect(certificateKeyFrom(bytes)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => bootstrapTokenFrom(new Uint8Array(8))).toThrow();
    expect(CA_HASH_PATTERN.test(`sha256:${"ab".repeat(32)}`)).toBe(true);
  });

  it("counts material fresh only while the join still has its margin before expiry", () => {
    const written = new Date("2026-01-01T00:00:00Z");
    // Certificate key: 2 h, less the 20-minute margin.
    expect(freshEnough(written, 7200, new Date("2026-01-01T01:39:00Z"))).toBe(true);
    expect(freshEnough(written, 7200, new Date("2026-01-01T01:41:00Z"))).toBe(false);
  });
});

describe("control-plane placement", () => {
  it("puts three nodes in three zones, one group of one each, and five round robin", () => {
    expect(controlPlaneSlots(spec(3), subnets).map((s) => [s.asgName, s.zone])).toEqual([
      ["edge-control-plane-1", "eu-west-1a"],
      ["edge-control-plane-2", "eu-west-1b"],
      ["edge-control-plane-3", "eu-west-1c"],
    ]);
    expect(controlPlaneSlots(spec(5), subnets).map((s) => s.zone)).toEqual([
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1a",
      "eu-west-1b",
    ]);
  });

  it("refuses three nodes in two zones, naming subnetIds", () => {
    expect(() => controlPlaneSlots(spec(3, ["subnet-a", "subnet-b"]), subnets)).toThrow(/^subnetIds: 3 control-plane/);
  });

  it("names the load balancer within ELB's 32 characters", () => {
    expect(apiLoadBalancerName("a".repeat(60)).length).toBeLessThanOrEqual(32);
  });
});

describe("kubeadm user data", () => {
  const parameters = { token: "/t", certificateKey: "/k", caCertHash: "/h" };
  const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

  it("reads the material from SSM with decryption and never carries it", () => {
    const init = decode(
      kubeadmUserData({
        role: "init",
        cluster: "edge",
        version: "1.33",
        endpoint: "lb:6443",
        parameters,
        region: "eu-west-1",
      }),
    );
    expect(init).toContain("--with-decryption --name /t");
    expect(init).toContain("kubeadm init --config /etc/kubernetes/kubeadm.yaml --upload-certs");
    expect(init).toContain("controlPlaneEndpoint: lb:6443");
    expect(init).toContain("aws-cloud-controller-manager");
    expect(init).toContain("aws-k8s-cni.yaml");
    expect(init).not.toContain("/h --query"); // init has no CA hash to pin
    const worker = decode(
      kubeadmUserData({
        role: "join-worker",
        cluster: "edge",
        version: "1.33",
        endpoint: "lb:6443",
        parameters,
        region: "eu-west-1",
      }),
    );
    expect(worker).toContain("apiServerEndpoint: lb:6443");
    expect(worker).not.toContain("controlPlane:");
    expect(worker).not.toContain("--name /k");
  });
});
