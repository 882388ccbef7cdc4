/**
 * Version strings the cluster reports. EKS builds carry a `-eks-<commit>` suffix on both the API
 * server and the kubelet (the fixture node reports `v1.27.3-eks-a5565ad`); self-managed clusters run
 * upstream builds. Patch levels are representative published ones; only the minor matters to Tugboat.
 */
export type ClusterFlavor = "eks" | "self-managed";

const PATCH_BY_MINOR: Record<string, number> = {
  "1.23": 17,
  "1.24": 17,
  "1.25": 16,
  "1.26": 15,
  "1.27": 3,
  "1.28": 15,
  "1.29": 10,
  "1.30": 4,
  "1.31": 2,
  "1.32": 0,
  "1.33": 0,
  "1.34": 0,
};

const EKS_BUILD = "eks-a5565ad";

export function gitVersion(minorVersion: string, flavor: ClusterFlavor): string {
  const patch = PATCH_BY_MINOR[minorVersion] ?? 0;
  const base = `v${minorVersion}.${patch}`;
  return flavor === "eks" ? `${base}-${EKS_BUILD}` : base;
}

/** The body of GET /version (version.Info). */
export function versionInfo(minorVersion: string, flavor: ClusterFlavor, buildDate: string): Record<string, string> {
  const [major = "1", minor = "0"] = minorVersion.split(".");
  return {
    major,
    minor: flavor === "eks" ? `${minor}+` : minor,
    gitVersion: gitVersion(minorVersion, flavor),
    gitCommit: flavor === "eks" ? "a5565ad" : "0000000",
    gitTreeState: "clean",
    buildDate,
    goVersion: "go1.22.5",
    compiler: "gc",
    platform: "linux/amd64",
  };
}
