/**
 * SSM Parameter Store and Secrets Manager as Tugboat reads them: the kubeconfig of a self-managed
 * cluster (`/tugboat/<cluster>/kubeconfig` in SSM as a SecureString, `tugboat/<cluster>/kubeconfig`
 * in Secrets Manager), and the public EKS-optimized AMI parameters as the EKS User Guide documents them:
 * `/aws/service/eks/optimized-ami/<minor>/amazon-linux-2023/<x86_64|arm64>/<standard|nvidia|neuron>/recommended/{image_id,release_version}`
 * (x86_64 only for neuron), `/aws/service/eks/optimized-ami/<minor>/amazon-linux-2[-arm64|-gpu]/recommended/…`
 * and `/aws/service/bottlerocket/aws-k8s-<minor>[-nvidia|-fips]/<x86_64|arm64>/latest/{image_id,image_version}`.
 * The kubeconfig is rendered when read, so it always points at the endpoint the runner set.
 */
import type { CommandHandler } from "./autoscaling";
import type { SimImageFamily } from "./catalog";
import type { KubeAccess } from "./eks-shapes";
import { awsError } from "./errors";
import { hashString } from "./ids";
import { type CommandInput, requireString, stringList } from "./input";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

const AL2023_PARAMETER =
  /^\/aws\/service\/eks\/optimized-ami\/(1\.\d+)\/amazon-linux-2023\/(x86_64|arm64)\/(standard|nvidia|neuron)\/(recommended|amazon-eks-node-al2023-(?:x86_64|arm64)-(?:standard|nvidia|neuron)-1\.\d+-v\d{8})\/(image_id|release_version)$/;
const AL2_PARAMETER =
  /^\/aws\/service\/eks\/optimized-ami\/(1\.\d+)\/(amazon-linux-2|amazon-linux-2-arm64|amazon-linux-2-gpu)\/recommended\/(image_id|release_version)$/;
const BOTTLEROCKET_PARAMETER =
  /^\/aws\/service\/bottlerocket\/aws-k8s-(1\.\d+)(-nvidia|-fips)?\/(x86_64|arm64)\/latest\/(image_id|image_version)$/;

interface AmiParameterMatch {
  minor: string;
  family: SimImageFamily;
  /** "recommended"/"latest", or the name of one release. */
  release: string;
  field: "image" | "version";
}

/** A public AMI parameter name AWS publishes, parsed; undefined for any other name. */
function parseAmiParameter(name: string): AmiParameterMatch | undefined {
  const al2023 = AL2023_PARAMETER.exec(name);
  if (al2023) {
    const [, minor, architecture, variant, release, field] = al2023 as unknown as string[];
    // Neuron images exist for x86_64 only.
    if (variant === "neuron" && architecture === "arm64") return undefined;
    return {
      minor: minor!,
      family: { os: "al2023", architecture: architecture as "x86_64" | "arm64", variant: variant as "standard" },
      release: release!,
      field: field === "image_id" ? "image" : "version",
    };
  }
  const al2 = AL2_PARAMETER.exec(name);
  if (al2) {
    const [, minor, dir, field] = al2 as unknown as string[];
    const family: SimImageFamily =
      dir === "amazon-linux-2-arm64"
        ? { os: "al2", architecture: "arm64", variant: "standard" }
        : dir === "amazon-linux-2-gpu"
          ? { os: "al2", architecture: "x86_64", variant: "nvidia" }
          : { os: "al2", architecture: "x86_64", variant: "standard" };
    return { minor: minor!, family, release: "recommended", field: field === "image_id" ? "image" : "version" };
  }
  const bottlerocket = BOTTLEROCKET_PARAMETER.exec(name);
  if (bottlerocket) {
    const [, minor, flavor, architecture, field] = bottlerocket as unknown as (string | undefined)[];
    const variant = flavor === "-nvidia" ? "nvidia" : flavor === "-fips" ? "fips" : "standard";
    return {
      minor: minor!,
      family: { os: "bottlerocket", architecture: architecture as "x86_64" | "arm64", variant },
      release: "latest",
      field: field === "image_id" ? "image" : "version",
    };
  }
  return undefined;
}

export function kubeconfigParameterName(cluster: string): string {
  return `/tugboat/${cluster}/kubeconfig`;
}

export function kubeconfigSecretName(cluster: string): string {
  return `tugboat/${cluster}/kubeconfig`;
}

/** A kubeconfig (YAML) that reaches the simulated API server with the sandbox's bearer token. */
export function renderKubeconfig(clusterName: string, kube: KubeAccess): string {
  const served = kube.serverOf(clusterName);
  const server = served?.endpoint ?? kube.placeholderEndpoint(clusterName);
  const trust = served?.caData
    ? `    certificate-authority-data: ${served.caData}`
    : "    insecure-skip-tls-verify: true";
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${clusterName}`,
    "  cluster:",
    `    server: ${server}`,
    trust,
    "contexts:",
    `- name: ${clusterName}`,
    "  context:",
    `    cluster: ${clusterName}`,
    "    user: tugboat",
    `current-context: ${clusterName}`,
    "users:",
    "- name: tugboat",
    "  user:",
    `    token: ${kube.token}`,
    "",
  ].join("\n");
}

interface ParameterRecord {
  name: string;
  type: "String" | "SecureString";
  value: string;
  dataType: string;
  public: boolean;
}

export function parameterCommands(ctx: RegionContext, kube: KubeAccess): Record<string, CommandHandler> {
  const clusterName = ctx.scenario.cluster.name;
  const createdMs = ctx.clock.nowMs();

  const lookUp = (name: string): ParameterRecord | undefined => {
    if (name === kubeconfigParameterName(clusterName)) {
      return {
        name,
        type: "SecureString",
        value: renderKubeconfig(clusterName, kube),
        dataType: "text",
        public: false,
      };
    }
    const match = parseAmiParameter(name);
    if (!match) return undefined;
    const images = ctx.catalog.releases(match.minor, match.family);
    const image =
      match.release === "recommended" || match.release === "latest"
        ? images[images.length - 1]
        : images.find((i) => i.name === match.release);
    if (!image) return undefined;
    return match.field === "image"
      ? { name, type: "String", value: image.imageId, dataType: "aws:ec2:image", public: true }
      : { name, type: "String", value: image.releaseVersion, dataType: "text", public: true };
  };

  const shape = (record: ParameterRecord, decrypt: boolean) => ({
    Name: record.name,
    Type: record.type,
    // Without WithDecryption, SSM returns a SecureString's KMS ciphertext, not its value.
    Value: record.type === "SecureString" && !decrypt ? ciphertextOf(record.value) : record.value,
    Version: 1,
    LastModifiedDate: new Date(createdMs),
    ARN: record.public
      ? `arn:aws:ssm:${ctx.regionName}::parameter${record.name}`
      : `arn:aws:ssm:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:parameter${record.name}`,
    DataType: record.dataType,
  });

  return {
    GetParameter: (input: CommandInput) => {
      const name = requireString("ssm", input, "Name");
      const record = lookUp(name);
      if (!record) throw awsError("ssm", "ParameterNotFound", `Parameter ${name} not found.`);
      return { Parameter: shape(record, input.WithDecryption === true) };
    },
    GetParameters: (input: CommandInput) => {
      const names = stringList(input, "Names") ?? [];
      const found = names.map((name) => lookUp(name)).filter((r): r is ParameterRecord => r !== undefined);
      return {
        Parameters: found.map((record) => shape(record, input.WithDecryption === true)),
        InvalidParameters: names.filter((name) => !lookUp(name)),
      };
    },
  };
}

/** Where etcd's v3 gateway of a self-managed control plane listens, once the sandbox has started it. */
export interface EtcdAccess {
  endpoint?: string;
}

export function etcdSecretName(cluster: string): string {
  return `tugboat/${cluster}/etcd`;
}

/** The etcd secret's JSON: endpoints, plus PEM "ca", "cert" and "key" where etcd speaks TLS (not in the sandbox). */
export function renderEtcdSecret(etcd: EtcdAccess): string {
  return JSON.stringify({ endpoints: etcd.endpoint ? [etcd.endpoint] : [] });
}

interface SecretRecord {
  name: string;
  arn: string;
  versionId: string;
  render(): string;
}

export function secretCommands(
  ctx: RegionContext,
  kube: KubeAccess,
  secretSuffix: string,
  etcd: EtcdAccess = {},
  /** Filled with each secret's name → ARN (IAM authorizes a secret by its ARN). */
  arns?: Map<string, string>,
): Record<string, CommandHandler> {
  const clusterName = ctx.scenario.cluster.name;
  const arnOf = (name: string, suffix: string) =>
    `arn:aws:secretsmanager:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:secret:${name}-${suffix}`;
  const kubeconfigName = kubeconfigSecretName(clusterName);
  const secrets: SecretRecord[] = [
    {
      name: kubeconfigName,
      arn: arnOf(kubeconfigName, secretSuffix),
      versionId: ctx.tokens.uuid(),
      render: () => renderKubeconfig(clusterName, kube),
    },
  ];
  const cluster = ctx.scenario.cluster;
  if (cluster.kind === "self-managed" && cluster.controlPlane) {
    const name = etcdSecretName(clusterName);
    // Every secret has its own six-character ARN suffix; derived, so no random stream moves.
    const suffix = hashString(`${secretSuffix}:etcd`).toString(36).padStart(6, "x").slice(-6);
    const versionId = `${hashString(`${name}:${secretSuffix}`).toString(16).padStart(8, "0")}-0000-4000-8000-000000000001`;
    secrets.push({ name, arn: arnOf(name, suffix), versionId, render: () => renderEtcdSecret(etcd) });
  }
  for (const secret of secrets) arns?.set(secret.name, secret.arn);
  const createdMs = ctx.clock.nowMs();
  return {
    GetSecretValue: (input: CommandInput) => {
      const id = requireString("secretsmanager", input, "SecretId");
      const secret = secrets.find((s) => s.name === id || s.arn === id);
      // The etcd secret exists once the sandbox has its gateway listening.
      if (!secret || (secret.name !== kubeconfigName && !etcd.endpoint)) {
        throw awsError(
          "secretsmanager",
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.",
        );
      }
      const stage = typeof input.VersionStage === "string" ? input.VersionStage : "AWSCURRENT";
      const version = typeof input.VersionId === "string" ? input.VersionId : secret.versionId;
      if (stage !== "AWSCURRENT" || version !== secret.versionId) {
        throw awsError(
          "secretsmanager",
          "ResourceNotFoundException",
          `Secrets Manager can't find the specified secret value for ${stage !== "AWSCURRENT" ? `staging label: ${stage}` : `VersionId: ${version}`}`,
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.render(),
        VersionStages: ["AWSCURRENT"],
        CreatedDate: new Date(createdMs),
      };
    },
  };
}

/** A stand-in for KMS ciphertext: opaque, stable, and clearly not the plaintext. */
function ciphertextOf(value: string): string {
  return `AQICAH${Buffer.from(value, "utf8").toString("base64").split("").reverse().join("").slice(0, 120)}`;
}
