/**
 * The EKS add-ons simulated EKS offers, with the Kubernetes minors each version is compatible with,
 * modelled on what DescribeAddonVersions publishes: the VPC CNI and CoreDNS span several minors per
 * version, kube-proxy builds match one cluster minor each, the EBS CSI driver spans many. The VPC
 * CNI is laid out so that the version a 1.30 cluster runs is not compatible with 1.33: reaching 1.33
 * needs a CNI update on the way, one CNI minor at a time as its documentation asks.
 */

export interface AddonVersionRecord {
  version: string;
  /** Kubernetes minors ("1.30") this version runs on. */
  clusterVersions: readonly string[];
  /** Minors for which this is the version EKS installs when none is asked for. */
  defaultFor: readonly string[];
}

export interface AddonRecord {
  name: string;
  type: string;
  /** Newest first, as DescribeAddonVersions lists them. */
  versions: readonly AddonVersionRecord[];
}

const minors = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, index) => `1.${from + index}`);

const version = (v: string, from: number, to: number, defaultFor: number[] = []): AddonVersionRecord => ({
  version: v,
  clusterVersions: minors(from, to),
  defaultFor: defaultFor.map((minor) => `1.${minor}`),
});

export const ADDON_CATALOG: readonly AddonRecord[] = [
  {
    name: "vpc-cni",
    type: "networking",
    versions: [
      version("v1.20.4-eksbuild.2", 31, 34, [34]),
      version("v1.20.1-eksbuild.3", 31, 34),
      version("v1.19.6-eksbuild.7", 29, 33, [32, 33]),
      version("v1.19.2-eksbuild.1", 29, 32),
      version("v1.18.6-eksbuild.1", 28, 31, [30, 31]),
      version("v1.18.1-eksbuild.1", 28, 31, [29]),
      version("v1.17.1-eksbuild.1", 28, 30, [28]),
    ],
  },
  {
    name: "coredns",
    type: "networking",
    versions: [
      version("v1.12.2-eksbuild.4", 33, 34, [34]),
      version("v1.12.1-eksbuild.2", 32, 33, [33]),
      version("v1.11.4-eksbuild.2", 29, 32, [31, 32]),
      version("v1.11.3-eksbuild.1", 29, 31, [30]),
      version("v1.11.1-eksbuild.8", 29, 30, [29]),
      version("v1.10.1-eksbuild.13", 28, 29, [28]),
    ],
  },
  {
    name: "kube-proxy",
    type: "networking",
    versions: [
      version("v1.34.0-eksbuild.2", 34, 34, [34]),
      version("v1.33.3-eksbuild.4", 33, 33, [33]),
      version("v1.33.0-eksbuild.2", 33, 33),
      version("v1.32.6-eksbuild.2", 32, 32, [32]),
      version("v1.32.0-eksbuild.2", 32, 32),
      version("v1.31.10-eksbuild.2", 31, 31, [31]),
      version("v1.31.3-eksbuild.2", 31, 31),
      version("v1.30.9-eksbuild.3", 30, 30),
      version("v1.30.0-eksbuild.3", 30, 30, [30]),
      version("v1.29.13-eksbuild.3", 29, 29, [29]),
      version("v1.28.15-eksbuild.4", 28, 28, [28]),
    ],
  },
  {
    name: "aws-ebs-csi-driver",
    type: "storage",
    versions: [
      version("v1.48.0-eksbuild.2", 28, 34, [34]),
      version("v1.45.0-eksbuild.2", 28, 33, [32, 33]),
      version("v1.38.1-eksbuild.2", 28, 32, [30, 31]),
      version("v1.35.0-eksbuild.1", 28, 31, [28, 29]),
    ],
  },
];

export function addonRecord(name: string): AddonRecord | undefined {
  return ADDON_CATALOG.find((addon) => addon.name === name);
}

export function addonVersion(name: string, v: string): AddonVersionRecord | undefined {
  return addonRecord(name)?.versions.find((record) => record.version === v);
}

export function isCompatible(name: string, v: string, clusterVersion: string): boolean {
  return addonVersion(name, v)?.clusterVersions.includes(clusterVersion) ?? false;
}

/** Versions of an add-on that run on a Kubernetes minor, newest first. */
export function compatibleVersions(name: string, clusterVersion: string): string[] {
  return (addonRecord(name)?.versions ?? [])
    .filter((record) => record.clusterVersions.includes(clusterVersion))
    .map((record) => record.version);
}

/** "v1.18.1-eksbuild.1" → 18: the add-on's own minor. */
export function addonMinor(v: string): number {
  const match = /^v\d+\.(\d+)\./.exec(v);
  if (!match) throw new Error(`"${v}" is not an EKS add-on version such as "v1.18.1-eksbuild.1"`);
  return Number(match[1]);
}

/** "v1.18.1-eksbuild.1" → "v1.18": for messages naming a minor. */
export function addonMinorLabel(v: string): string {
  return v.replace(/^(v\d+\.\d+)\..*$/, "$1");
}
