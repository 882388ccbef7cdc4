/**
 * The Kubernetes versions simulated EKS offers (DescribeClusterVersions, and what UpdateClusterVersion
 * accepts). Dates are the ones the EKS Kubernetes release calendar publishes; support statuses are
 * those of the calendar in October 2025 (1.34 just released, 1.28–1.30 in extended support), fixed
 * rather than derived from the virtual clock so that a scenario's versions never change status
 * during a run.
 */

export type VersionStatus = "STANDARD_SUPPORT" | "EXTENDED_SUPPORT" | "UNSUPPORTED";

export interface EksVersionRecord {
  version: string;
  versionStatus: VersionStatus;
  releaseDate: string;
  endOfStandardSupportDate: string;
  endOfExtendedSupportDate: string;
  /** Newest upstream patch EKS runs for the minor. */
  kubernetesPatchVersion: string;
  defaultPlatformVersion: string;
}

/** What CreateCluster picks when no version is given. */
export const DEFAULT_CLUSTER_VERSION = "1.33";

export const EKS_VERSIONS: readonly EksVersionRecord[] = [
  record("1.34", "STANDARD_SUPPORT", "2025-10-02", "2026-12-02", "2027-12-02", "1.34.1", "eks.4"),
  record("1.33", "STANDARD_SUPPORT", "2025-05-29", "2026-07-29", "2027-07-29", "1.33.5", "eks.16"),
  record("1.32", "STANDARD_SUPPORT", "2025-01-23", "2026-03-23", "2027-03-23", "1.32.9", "eks.23"),
  record("1.31", "STANDARD_SUPPORT", "2024-09-26", "2025-11-26", "2026-11-26", "1.31.13", "eks.37"),
  record("1.30", "EXTENDED_SUPPORT", "2024-05-23", "2025-07-23", "2026-07-23", "1.30.14", "eks.45"),
  record("1.29", "EXTENDED_SUPPORT", "2024-01-23", "2025-03-23", "2026-03-23", "1.29.15", "eks.49"),
  record("1.28", "EXTENDED_SUPPORT", "2023-09-26", "2024-11-26", "2025-11-26", "1.28.15", "eks.52"),
];

export function eksVersion(version: string): EksVersionRecord | undefined {
  return EKS_VERSIONS.find((v) => v.version === version);
}

/** DescribeClusterVersions' ClusterVersionInformation. */
export function clusterVersionShape(v: EksVersionRecord) {
  return {
    clusterVersion: v.version,
    clusterType: "eks",
    defaultPlatformVersion: v.defaultPlatformVersion,
    defaultVersion: v.version === DEFAULT_CLUSTER_VERSION,
    releaseDate: new Date(`${v.releaseDate}T00:00:00Z`),
    endOfStandardSupportDate: new Date(`${v.endOfStandardSupportDate}T00:00:00Z`),
    endOfExtendedSupportDate: new Date(`${v.endOfExtendedSupportDate}T00:00:00Z`),
    // `status` is the deprecated lower-case twin of `versionStatus`; EKS still returns both.
    status: v.versionStatus.toLowerCase().replace("_", "-"),
    versionStatus: v.versionStatus,
    kubernetesPatchVersion: v.kubernetesPatchVersion,
  };
}

function record(
  version: string,
  versionStatus: VersionStatus,
  releaseDate: string,
  endOfStandardSupportDate: string,
  endOfExtendedSupportDate: string,
  kubernetesPatchVersion: string,
  defaultPlatformVersion: string,
): EksVersionRecord {
  return {
    version,
    versionStatus,
    releaseDate,
    endOfStandardSupportDate,
    endOfExtendedSupportDate,
    kubernetesPatchVersion,
    defaultPlatformVersion,
  };
}
