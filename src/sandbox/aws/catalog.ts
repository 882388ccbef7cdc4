/**
 * The EKS-optimized AMI catalog of the simulated region: for every Kubernetes minor, a previous and a
 * current Amazon Linux 2023 release, named and versioned as AWS publishes them
 * (`amazon-eks-node-al2023-x86_64-standard-1.30-v20251210`, release version `1.30.8-20251210`).
 * Images are made on first use, with ids derived from the run's seed and the minor, so asking for
 * 1.31 during an upgrade yields the same AMI id whatever was asked before.
 */
import { SeededRandom } from "../clock";
import { hashString } from "./ids";
import type { SimImage } from "./model";

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
  releases(minor: string): SimImage[] {
    if (!MINOR_PATTERN.test(minor)) {
      throw new Error(`AMI catalog: "${minor}" is not a Kubernetes minor version such as "1.30"`);
    }
    const known = this.byMinor.get(minor);
    if (known) return known;
    const images = RELEASES.map((release, index) => this.makeImage(minor, release.patch, release.date, index));
    this.byMinor.set(minor, images);
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
    return [...this.byMinor.keys()].sort(compareMinors).flatMap((minor) => this.byMinor.get(minor) ?? []);
  }

  private makeImage(minor: string, patch: number, date: string, index: number): SimImage {
    const rng = new SeededRandom(hashString(`${this.seed}:ami:${minor}:${index}`));
    const isoDate = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00.000Z`;
    return {
      imageId: `ami-${rng.hex(17)}`,
      name: `amazon-eks-node-al2023-x86_64-standard-${minor}-v${date}`,
      description: `EKS-optimized Kubernetes node based on Amazon Linux 2023, (k8s: ${minor}.${patch}, containerd: 1.7.*)`,
      kubernetesMinor: minor,
      releaseVersion: `${minor}.${patch}-${date}`,
      creationDate: isoDate,
      architecture: "x86_64",
      ownerId: EKS_AMI_OWNER,
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
