import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { kubeConfigForCluster } from "../../../../src/adapters/kube/access";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import type { EksClusterState } from "../../../../src/core/model/aws";
import type { EksPort } from "../../../../src/core/ports";

const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);

function eksWith(clusters: Record<string, EksClusterState>): EksPort {
  const unused = () => Promise.reject(new Error("not used here"));
  return {
    describeCluster: async (name) => clusters[name],
    describeNodegroup: unused,
    updateNodegroupVersion: unused,
    updateNodegroupConfig: unused,
    describeUpdate: unused,
    listNodegroups: unused,
    describeClusterVersions: unused,
    updateClusterVersion: unused,
    listAddons: unused,
    describeAddonVersions: unused,
    updateAddon: unused,
    startInsightsRefresh: unused,
    describeInsightsRefresh: unused,
    listInsights: unused,
  };
}

const tokensAskedFor: string[] = [];
function deps(clusters: Record<string, EksClusterState> = {}) {
  return {
    eks: eksWith(clusters),
    ssm: new SSMClient({ region: "us-east-1" }),
    secrets: new SecretsManagerClient({ region: "us-east-1" }),
    token: async (cluster: string) => {
      tokensAskedFor.push(cluster);
      return `k8s-aws-v1.token-for-${cluster}`;
    },
  };
}

const kubeconfigYaml = `apiVersion: v1
kind: Config
clusters:
- name: onprem
  cluster:
    server: https://10.0.0.10:6443
    certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0tCg==
users:
- name: tugboat
  user:
    token: onprem-service-account-token
contexts:
- name: tugboat@onprem
  context:
    cluster: onprem
    user: tugboat
current-context: tugboat@onprem
`;

const parameterNotFound = () => new ParameterNotFound({ message: "Parameter not found", $metadata: {} });
const secretNotFound = () =>
  new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

beforeEach(() => {
  ssmMock.reset();
  secretsMock.reset();
  tokensAskedFor.length = 0;
});

describe("kubeConfigForCluster", () => {
  it("uses endpoint, CA and a bearer token for an EKS cluster", async () => {
    const kc = await kubeConfigForCluster(
      "prod-eu",
      deps({
        "prod-eu": {
          name: "prod-eu",
          version: "1.31",
          status: "ACTIVE",
          endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
          certificateAuthorityData: "LS0tQ0EtLS0=",
        },
      }),
    );
    expect(kc.getCurrentCluster()).toMatchObject({
      name: "prod-eu",
      server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
      caData: "LS0tQ0EtLS0=",
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()?.token).toBe("k8s-aws-v1.token-for-prod-eu");
    expect(tokensAskedFor).toEqual(["prod-eu"]);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it("asks again later for an EKS cluster still being created", async () => {
    const creating = { name: "new", version: "1.32", status: "CREATING" };
    await expect(kubeConfigForCluster("new", deps({ new: creating }))).rejects.toThrow(RetryableError);
  });

  it("reads a kubeconfig from the SSM parameter, decrypted", async () => {
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: "/tugboat/onprem/kubeconfig", Value: kubeconfigYaml } });
    const kc = await kubeConfigForCluster("onprem", deps());
    expect(kc.getCurrentCluster()?.server).toBe("https://10.0.0.10:6443");
    expect(kc.getCurrentUser()?.token).toBe("onprem-service-account-token");
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/tugboat/onprem/kubeconfig",
      WithDecryption: true,
    });
    expect(tokensAskedFor).toEqual([]);
  });

  it("falls back to the Secrets Manager secret, which may hold JSON", async () => {
    ssmMock.on(GetParameterCommand).rejects(parameterNotFound());
    const asJson = JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "lab", cluster: { server: "https://lab.example:6443" } }],
      users: [{ name: "u", user: { token: "lab-token" } }],
      contexts: [{ name: "lab", context: { cluster: "lab", user: "u" } }],
      "current-context": "lab",
    });
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: asJson });
    const kc = await kubeConfigForCluster("lab", deps());
    expect(kc.getCurrentCluster()?.server).toBe("https://lab.example:6443");
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: "tugboat/lab/kubeconfig",
    });
  });

  it("names both places it looked when neither has a kubeconfig", async () => {
    ssmMock.on(GetParameterCommand).rejects(parameterNotFound());
    secretsMock.on(GetSecretValueCommand).rejects(secretNotFound());
    const err = await kubeConfigForCluster("ghost", deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toContain("SSM parameter /tugboat/ghost/kubeconfig");
    expect((err as Error).message).toContain("Secrets Manager secret tugboat/ghost/kubeconfig");
  });

  it("says which kubeconfig is broken", async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: "apiVersion: v1\nkind: Config\n" } });
    await expect(kubeConfigForCluster("broken", deps())).rejects.toThrow(
      /kubeconfig in SSM parameter \/tugboat\/broken\/kubeconfig names no cluster server/,
    );
  });

  it("does not fall back when SSM refuses access", async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(
        Object.assign(new Error("not authorized to perform ssm:GetParameter"), { name: "AccessDeniedException" }),
      );
    await expect(kubeConfigForCluster("onprem", deps())).rejects.toThrow(/AccessDeniedException/);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
