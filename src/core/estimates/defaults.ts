/**
 * Published figures Tugboat starts from when it has observed nothing yet. Each is replaced by the
 * median and p90 of Tugboat's own observations as soon as a run has recorded one; none is taken from
 * the sandbox or its scenarios.
 */

export interface DefaultFigure {
  median: number;
  p90: number;
  source: string;
}

/**
 * Replacement Ready (surge → node Ready). Nodes of EKS-optimized AMIs are commonly quoted at 60–120 s
 * from launch to Ready; Outreach measured 65 s on EKS across ~1,000 nodes before tuning (KubeFM,
 * "Faster EKS Node and Pod Startup", 2026). Median 65 s, p90 the top of the quoted range.
 */
export const REPLACEMENT_READY: DefaultFigure = {
  median: 65,
  p90: 120,
  source: "EKS node launch → Ready: 65 s measured by Outreach (KubeFM 2026), 60–120 s commonly quoted",
};

/**
 * Pod start (created → Ready). The Kubernetes pod-startup SLO bounds start at 5 s (p99, image pull
 * excluded; sig-scalability/slos/pod_startup_latency.md); a readiness probe at its default period
 * (10 s) adds up to one period: median 5 + 5, p90 5 + 10.
 */
export const POD_START: DefaultFigure = {
  median: 10,
  p90: 15,
  source: "Kubernetes pod-startup SLO (5 s p99) plus the default readiness probe period (10 s)",
};

/**
 * EKS control-plane version update (UpdateClusterVersion → Successful). Field reports: 21 min 38 s
 * (terraform-aws-eks#326), "30 minute upgrades" and one of about an hour (eksctl#3309), over 25 min
 * (eksctl#2150).
 */
export const CONTROL_PLANE_UPDATE: DefaultFigure = {
  median: 1300,
  p90: 1800,
  source: "EKS UpdateClusterVersion: 21–30 min in field reports (terraform-aws-eks#326, eksctl#3309, eksctl#2150)",
};

/**
 * EKS add-on update (UpdateAddon → Successful). No published figure; an add-on is a DaemonSet or
 * Deployment rollout of one or two pods per node, so a couple of minutes is assumed until observed.
 */
export const ADDON_UPDATE: DefaultFigure = {
  median: 120,
  p90: 300,
  source: "no published figure: a rollout of a DaemonSet or Deployment, assumed 2 min until observed",
};
