/**
 * Which public SSM parameter names the EKS-optimized image a node group should move to. The family (OS,
 * architecture, variant) comes from the managed node group's `amiType`, or, for a self-managed group
 * (or a managed one with a custom image), from the image its launch template runs now. Parameter names
 * as the EKS User Guide publishes them ("Retrieve recommended Amazon Linux AMI IDs", "Retrieve
 * recommended Bottlerocket AMI IDs"):
 *
 *   /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/<x86_64|arm64>/<standard|nvidia|neuron>/recommended/{image_id,release_version}
 *   /aws/service/eks/optimized-ami/<k8s>/<amazon-linux-2|amazon-linux-2-arm64|amazon-linux-2-gpu>/recommended/{image_id,release_version}
 *   /aws/service/bottlerocket/aws-k8s-<k8s>[-nvidia|-fips]/<x86_64|arm64>/latest/{image_id,image_version}
 */
import { TerminalError } from "../errors";

export type AmiOs = "al2023" | "al2" | "bottlerocket";
export type AmiArchitecture = "x86_64" | "arm64";
export type AmiVariant = "standard" | "nvidia" | "neuron" | "fips";

export interface AmiFamily {
  os: AmiOs;
  architecture: AmiArchitecture;
  variant: AmiVariant;
}

export const DEFAULT_AMI_FAMILY: AmiFamily = { os: "al2023", architecture: "x86_64", variant: "standard" };

/** The SSM paths of every family, for the IAM resource of `ssm:GetParameter(s)`. */
export const AMI_PARAMETER_PREFIXES = ["/aws/service/eks/optimized-ami/", "/aws/service/bottlerocket/"] as const;

const family = (os: AmiOs, architecture: AmiArchitecture, variant: AmiVariant): AmiFamily => ({
  os,
  architecture,
  variant,
});

/** EKS's AMI types (CreateNodegroup `amiType`) that have a public image parameter. */
const EKS_AMI_TYPES: Record<string, AmiFamily> = {
  AL2023_x86_64_STANDARD: family("al2023", "x86_64", "standard"),
  AL2023_ARM_64_STANDARD: family("al2023", "arm64", "standard"),
  AL2023_x86_64_NVIDIA: family("al2023", "x86_64", "nvidia"),
  AL2023_ARM_64_NVIDIA: family("al2023", "arm64", "nvidia"),
  AL2023_x86_64_NEURON: family("al2023", "x86_64", "neuron"),
  AL2_x86_64: family("al2", "x86_64", "standard"),
  AL2_ARM_64: family("al2", "arm64", "standard"),
  AL2_x86_64_GPU: family("al2", "x86_64", "nvidia"),
  BOTTLEROCKET_x86_64: family("bottlerocket", "x86_64", "standard"),
  BOTTLEROCKET_ARM_64: family("bottlerocket", "arm64", "standard"),
  BOTTLEROCKET_x86_64_NVIDIA: family("bottlerocket", "x86_64", "nvidia"),
  BOTTLEROCKET_ARM_64_NVIDIA: family("bottlerocket", "arm64", "nvidia"),
  BOTTLEROCKET_x86_64_FIPS: family("bottlerocket", "x86_64", "fips"),
  BOTTLEROCKET_ARM_64_FIPS: family("bottlerocket", "arm64", "fips"),
};

/** A managed node group's family; undefined for CUSTOM (the launch template's image decides) and unknown types. */
export function amiFamilyOfEksAmiType(amiType: string | undefined): AmiFamily | undefined {
  return amiType ? EKS_AMI_TYPES[amiType] : undefined;
}

export interface ImageFacts {
  /** DescribeImages' Architecture: "x86_64", "arm64" (also "i386", "x86_64_mac", …: none has an EKS image). */
  architecture?: string;
  name?: string;
  description?: string;
}

/**
 * The family of an image a group runs now, read from its architecture and its published name or
 * description (amazon-eks-node-al2023-arm64-standard-1.31-v…, amazon-eks-gpu-node-1.29-v…,
 * bottlerocket-aws-k8s-1.31-nvidia-aarch64-v…). Undefined when it is no EKS-optimized image: a custom
 * image has no public successor, and guessing one would change the OS under the workloads.
 */
export function amiFamilyOfImage(image: ImageFacts): AmiFamily | undefined {
  const architecture: AmiArchitecture | undefined =
    image.architecture === "x86_64" ? "x86_64" : image.architecture === "arm64" ? "arm64" : undefined;
  if (!architecture) return undefined;
  const text = `${image.name ?? ""} ${image.description ?? ""}`.toLowerCase();
  const os: AmiOs | undefined = text.includes("bottlerocket")
    ? "bottlerocket"
    : /al2023|amazon linux 2023/.test(text)
      ? "al2023"
      : /amazon-eks-(?:arm64-|gpu-)?node-\d|amazon linux 2[^0-9]|amazon linux 2$/.test(text)
        ? "al2"
        : undefined;
  if (!os) return undefined;
  const variant: AmiVariant = /nvidia|gpu/.test(text)
    ? "nvidia"
    : text.includes("neuron")
      ? "neuron"
      : text.includes("fips")
        ? "fips"
        : "standard";
  return { os, architecture, variant };
}

export interface AmiParameterNames {
  imageId: string;
  /** release_version (Amazon Linux) or image_version (Bottlerocket). */
  version: string;
}

/** The parameter names of a family's recommended image for a Kubernetes minor; refuses families AWS does not publish. */
export function amiParameterNames(of: AmiFamily, minor: string): AmiParameterNames {
  const unpublished = () =>
    new TerminalError(
      `no public EKS image parameter for ${of.os} ${of.architecture} ${of.variant}: AWS publishes none for this combination`,
    );
  switch (of.os) {
    case "al2023": {
      const published = of.architecture === "x86_64" ? ["standard", "nvidia", "neuron"] : ["standard", "nvidia"];
      if (!published.includes(of.variant)) throw unpublished();
      const base = `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${of.architecture}/${of.variant}/recommended`;
      return { imageId: `${base}/image_id`, version: `${base}/release_version` };
    }
    case "al2": {
      const dir =
        of.variant === "standard"
          ? of.architecture === "x86_64"
            ? "amazon-linux-2"
            : "amazon-linux-2-arm64"
          : of.variant === "nvidia" && of.architecture === "x86_64"
            ? "amazon-linux-2-gpu"
            : undefined;
      if (!dir) throw unpublished();
      const base = `/aws/service/eks/optimized-ami/${minor}/${dir}/recommended`;
      return { imageId: `${base}/image_id`, version: `${base}/release_version` };
    }
    case "bottlerocket": {
      if (of.variant === "neuron") throw unpublished();
      const flavor = of.variant === "standard" ? "" : `-${of.variant}`;
      const base = `/aws/service/bottlerocket/aws-k8s-${minor}${flavor}/${of.architecture}/latest`;
      return { imageId: `${base}/image_id`, version: `${base}/image_version` };
    }
  }
}

/** "al2023 arm64 standard": how a family reads in messages and logs. */
export function describeAmiFamily(of: AmiFamily): string {
  return `${of.os} ${of.architecture} ${of.variant}`;
}
