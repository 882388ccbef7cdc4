/**
 * The EKS-optimized AMI catalog of the simulated region: for every Kubernetes minor, a previous and a
 * current Amazon Linux 2023 release, named and versioned as AWS publishes them
 * (`amazon-eks-node-al2023-x86_64-standard-1.30-v20251210`, release version `1.30.8-20251210`).
 * Images are made on first use, with ids derived from the run's seed and the minor, so asking for
 * 1.31 during an upgrade yields the same AMI id whatever was asked before.
 *
 * Other families (arm64, NVIDIA, Neuron, Amazon Linux 2, Bottlerocket) are made the same way when the
 * public parameters are read for them, named as AWS names them (`amazon-eks-node-al2023-arm64-standard-…`,
 * `amazon-eks-gpu-node-1.29-v…`, `bottlerocket-aws-k8s-1.31-nvidia-aarch64-v1.41.0-…`).
 */
import { SeededRandom } from "../clock";
import { hashString } from "./ids";
import type { SimImage } from "./model";

/** An image family of the catalog: which OS, architecture and variant (AL2023 x86_64 standard by default). */
export interface SimImageFamily {
  os: "al2023" | "al2" | "bottlerocket";
  architecture: "x86_64" | "arm64";
  variant: "standard" | "nvidia" | "neuron" | "fips";
}

export const AL2023_X86_64_STANDARD: SimImageFamily = { os: "al2023", architecture: "x86_64", variant: "standard" };

const familyKey = (f: SimImageFamily) => `${f.os}/${f.architecture}/${f.variant}`;

/** Account that owns the EKS-optimized AMIs in most commercial regions. */
export const EKS_AMI_OWNER = "602401143452";

/** Oldest first. Two releases per minor: an "outdated" node runs the previous one. */
const RELEASES = [
  { patch: 7, date: "20251120" },
  { patch: 8, date: "20251210" },
] as const;

const MINOR_PATTERN = /^1\.(\d+)$/;

export class AmiCatalog {
  private readonly byId = new Map<string, SimImage>();
  private readonly byMinor = new Map<string, SimImage[]>();

  constructor(private readonly seed: number) {}

  /** The releases of a minor, oldest first. Throws for something that is not a minor ("1.30"). */
  releases(minor: string, family: SimImageFamily = AL2023_X86_64_STANDARD): SimImage[] {
    if (!MINOR_PATTERN.test(minor)) {
      throw new Error(`AMI catalog: "${minor}" is not a Kubernetes minor version such as "1.30"`);
    }
    const key = familyKey(family) === familyKey(AL2023_X86_64_STANDARD) ? minor : `${familyKey(family)}/${minor}`;
    const known = this.byMinor.get(key);
    if (known) return known;
    const images = RELEASES.map((release, index) => this.makeImage(minor, release.patch, release.date, index, family));
    this.byMinor.set(key, images);
    for (const image of images) this.byId.set(image.imageId, image);
    return images;
  }

  current(minor: string): SimImage {
    const images = this.releases(minor);
    return images[images.length - 1] as SimImage;
  }

  previous(minor: string): SimImage {
    return this.releases(minor)[0] as SimImage;
  }

  image(imageId: string): SimImage | undefined {
    return this.byId.get(imageId);
  }

  /** "1.30.8-20251210" → its image, if that release exists. */
  byReleaseVersion(releaseVersion: string): SimImage | undefined {
    const minor = /^(1\.\d+)\.\d+-\d{8}$/.exec(releaseVersion)?.[1];
    if (!minor) return undefined;
    return this.releases(minor).find((image) => image.releaseVersion === releaseVersion);
  }

  /** Every image made so far, by minor then release. */
  all(): SimImage[] {
    const minorOf = (key: string) => key.split("/").pop() ?? key;
    return [...this.byMinor.keys()]
      .sort((a, b) => compareMinors(minorOf(a), minorOf(b)) || a.localeCompare(b))
      .flatMap((key) => this.byMinor.get(key) ?? []);
  }

  private makeImage(minor: string, patch: number, date: string, index: number, family: SimImageFamily): SimImage {
    const standard = familyKey(family) === familyKey(AL2023_X86_64_STANDARD);
    // The default family keeps the seed stream it always had, so existing runs see the same ids.
    const rng = new SeededRandom(
      hashString(
        standard ? `${this.seed}:ami:${minor}:${index}` : `${this.seed}:ami:${familyKey(family)}:${minor}:${index}`,
      ),
    );
    const isoDate = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00.000Z`;
    const imageId = `ami-${rng.hex(17)}`;
    const common = {
      imageId,
      kubernetesMinor: minor,
      creationDate: isoDate,
      architecture: family.architecture,
      ownerId: EKS_AMI_OWNER,
    };
    const { os, architecture, variant } = family;
    if (os === "bottlerocket") {
      // Bottlerocket names its architectures the kernel's way (aarch64) and versions its own releases.
      const version = `1.${40 + index}.0-${rng.hex(8)}`;
      const flavor = variant === "standard" ? "" : `-${variant}`;
      return {
        ...common,
        name: `bottlerocket-aws-k8s-${minor}${flavor}-${architecture === "arm64" ? "aarch64" : "x86_64"}-v${version}`,
        description: `bottlerocket-aws-k8s-${minor}${flavor}`,
        releaseVersion: version,
      };
    }
    if (os === "al2") {
      const kind = variant === "nvidia" ? "gpu-" : architecture === "arm64" ? "arm64-" : "";
      return {
        ...common,
        name: `amazon-eks-${kind}node-${minor}-v${date}`,
        description: `EKS Kubernetes Worker AMI with AmazonLinux2 image, (k8s: ${minor}.${patch}, containerd: 1.7.*)`,
        releaseVersion: `${minor}.${patch}-${date}`,
      };
    }
    return {
      ...common,
      name: `amazon-eks-node-al2023-${architecture}-${variant}-${minor}-v${date}`,
      description: `EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: ${minor}.${patch}, containerd: 1.7.*)`,
      releaseVersion: `${minor}.${patch}-${date}`,
    };
  }
}

/** Orders "1.9" before "1.30". */
export function compareMinors(a: string, b: string): number {
  const minorOf = (v: string) => Number(MINOR_PATTERN.exec(v)?.[1] ?? Number.NaN);
  return minorOf(a) - minorOf(b);
}

/** "1.30" → "1.31". */
export function nextMinor(minor: string): string {
  const match = MINOR_PATTERN.exec(minor);
  if (!match) throw new Error(`"${minor}" is not a Kubernetes minor version such as "1.30"`);
  return `1.${Number(match[1]) + 1}`;
}

/**
 * Instance types the sandbox can launch: vCPUs and memory as EC2 publishes them, and the EKS AMI's
 * max pods (amazon-eks-ami eni-max-pods.txt: ENIs × (IPv4 per ENI − 1) + 2).
 */
const INSTANCE_TYPES: Record<string, { vcpus: number; memoryMiB: number; maxPods: number }> = {
  "m6i.large": { vcpus: 2, memoryMiB: 8192, maxPods: 29 },
  "m6i.xlarge": { vcpus: 4, memoryMiB: 16384, maxPods: 58 },
  "m6i.2xlarge": { vcpus: 8, memoryMiB: 32768, maxPods: 58 },
  "m6i.4xlarge": { vcpus: 16, memoryMiB: 65536, maxPods: 234 },
  "m5.large": { vcpus: 2, memoryMiB: 8192, maxPods: 29 },
  "m5.xlarge": { vcpus: 4, memoryMiB: 16384, maxPods: 58 },
  "c6i.large": { vcpus: 2, memoryMiB: 4096, maxPods: 29 },
  "c6i.xlarge": { vcpus: 4, memoryMiB: 8192, maxPods: 58 },
  "r6i.large": { vcpus: 2, memoryMiB: 16384, maxPods: 29 },
  "r6i.xlarge": { vcpus: 4, memoryMiB: 32768, maxPods: 58 },
  "t3.medium": { vcpus: 2, memoryMiB: 4096, maxPods: 17 },
};

export interface InstanceTypeFacts {
  vcpus: number;
  memoryMiB: number;
  maxPods: number;
}

/**
 * Adds instance types a scenario declares (a captured cluster runs types the table above lacks). The
 * facts of a type are the same in every cluster, so a type already known must be declared the same.
 */
export function extendInstanceCatalog(types: Record<string, InstanceTypeFacts>): void {
  for (const [name, facts] of Object.entries(types)) {
    const known = INSTANCE_TYPES[name];
    if (
      known &&
      (known.vcpus !== facts.vcpus || known.memoryMiB !== facts.memoryMiB || known.maxPods !== facts.maxPods)
    ) {
      throw new Error(
        `instance type "${name}": the scenario declares ${JSON.stringify(facts)}, EC2 publishes ${JSON.stringify(known)}`,
      );
    }
    INSTANCE_TYPES[name] = { ...facts };
  }
}

/** What the catalog knows of an instance type, if it does. */
export function instanceTypeFacts(name: string): InstanceTypeFacts | undefined {
  const type = INSTANCE_TYPES[name];
  return type ? { ...type } : undefined;
}

export interface Allocatable {
  cpuMillis: number;
  memoryMiB: number;
}

/**
 * A node's allocatable resources as the EKS AMI's kubelet configuration leaves them: kube-reserved
 * CPU of 6% of the first core, 1% of the second, 0.5% of the next two and 0.25% of the rest;
 * kube-reserved memory of 255 MiB + 11 MiB per max pod; and the 100 MiB hard eviction threshold.
 */
export function nodeAllocatable(instanceType: string): Allocatable {
  const type = INSTANCE_TYPES[instanceType];
  if (!type) {
    throw new Error(
      `instance type "${instanceType}" is not in the sandbox's catalog; expected one of ${Object.keys(INSTANCE_TYPES).join(", ")}`,
    );
  }
  const cores = type.vcpus;
  const reservedCpu =
    60 + (cores > 1 ? 10 : 0) + Math.max(0, Math.min(cores, 4) - 2) * 5 + Math.max(0, cores - 4) * 2.5;
  const reservedMemory = 255 + 11 * type.maxPods + 100;
  return { cpuMillis: cores * 1000 - reservedCpu, memoryMiB: type.memoryMiB - reservedMemory };
}
