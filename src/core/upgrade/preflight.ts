/**
 * Preflight of an upgrade: every check that can stop a doomed upgrade before it changes anything.
 * Each problem says what is wrong and what the operator can do; warnings are reported and do not stop.
 */
import type { EksInsight } from "../model/aws";
import type { Deps } from "../ports";
import type { UpgradeInput } from "./input";
import type { ClusterSnapshot, InsightFinding, UpgradePlan, UpgradePreflight } from "./state";
import { compareMinors, kubeletSkewAllowed, maxKubeletSkew, minorNumber } from "./versions";

/** EKS needs up to five free addresses in the cluster subnets to place new control-plane interfaces. */
export const MIN_FREE_IPS = 5;

/** The checks that need only the snapshot and the plan: version direction, support, skew, node health. */
export function checkSnapshot(
  snapshot: ClusterSnapshot,
  input: UpgradeInput,
  supported: Map<string, string>,
): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const from = snapshot.version;
  const to = input.toVersion;
  const direction = compareMinors(to, from);
  if (direction < 0) {
    problems.push(
      `${to} is older than the control plane's ${from}: Kubernetes control planes cannot be downgraded (EKS refuses it); restore from a backup into a new cluster instead`,
    );
  }
  const offered = [...supported.keys()].sort(compareMinors).join(", ");
  if (direction > 0) {
    for (let minor = minorNumber(from) + 1; minor <= minorNumber(to); minor++) {
      const version = `1.${minor}`;
      const status = supported.get(version);
      if (status === undefined) {
        problems.push(
          `Kubernetes ${version} is not a version ${snapshot.kind === "eks" ? "EKS offers" : "with a published EKS-optimized AMI"}${offered ? ` (known: ${offered})` : ""}: check the target version`,
        );
      } else if (status === "UNSUPPORTED") {
        problems.push(`Kubernetes ${version} is no longer supported by EKS; pick a supported target`);
      }
    }
  }
  if (snapshot.status !== "ACTIVE") {
    problems.push(`cluster ${snapshot.cluster} is ${snapshot.status}, not ACTIVE; retry when it is`);
  }
  for (const group of snapshot.nodeGroups) {
    if (group.mode === "eks-managed") {
      const version = group.managedVersion ?? group.oldestKubelet;
      if (version && compareMinors(version, from) < 0) {
        problems.push(
          `managed node group ${group.name} is on ${version}, behind the control plane's ${from}: EKS refuses a control-plane update until managed node groups match it; update ${group.name} to ${from} first (tug roll ${snapshot.cluster} ${group.name} --kubernetes-version ${from})`,
        );
      }
      if (group.managedStatus && group.managedStatus !== "ACTIVE") {
        problems.push(`managed node group ${group.name} is ${group.managedStatus}, not ACTIVE; retry when it is`);
      }
    }
    const oldest = group.oldestKubelet;
    if (oldest && !kubeletSkewAllowed(from, oldest)) {
      problems.push(
        `node group ${group.name} runs kubelets on ${oldest} with a ${from} control plane: already outside the skew policy (at most ${maxKubeletSkew(from)} minors older, never newer); roll it to ${from} first`,
      );
    }
  }
  if (snapshot.nodesNotReady.length > 0) {
    const names = snapshot.nodesNotReady;
    problems.push(
      `${names.length} node(s) are not Ready (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}): fix or remove them before upgrading, so the upgrade's health checks mean something`,
    );
  }
  return { problems, warnings };
}

/** Insights in ERROR block unless accepted by name; WARNING and UNKNOWN are reported. */
export function judgeInsights(
  insights: EksInsight[],
  accepted: string[],
): { findings: InsightFinding[]; problems: string[]; warnings: string[] } {
  const findings: InsightFinding[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  const acceptsAll = accepted.includes("*");
  for (const insight of insights) {
    if (insight.status === "PASSING") continue;
    const isAccepted = insight.status === "ERROR" && (acceptsAll || accepted.includes(insight.name));
    findings.push({
      name: insight.name,
      status: insight.status,
      reason: insight.reason || insight.description,
      ...(isAccepted ? { accepted: true } : {}),
    });
    const text = `upgrade insight "${insight.name}" is ${insight.status}${insight.kubernetesVersion ? ` for ${insight.kubernetesVersion}` : ""}: ${insight.reason || insight.description}`;
    if (insight.status === "ERROR" && !isAccepted) {
      problems.push(
        `${text} (resolve it, or accept it with --accept-insight "${insight.name}" if you have reviewed it)`,
      );
    } else {
      warnings.push(isAccepted ? `${text} (accepted)` : text);
    }
  }
  return { findings, problems, warnings };
}

/** Reads and judges what preflight needs beyond the snapshot: insights, subnets, PDBs, AMIs, etcd. */
export async function runPreflight(
  deps: Deps,
  snapshot: ClusterSnapshot,
  input: UpgradeInput,
  plan: UpgradePlan,
  planProblems: string[],
  versions: {
    /** Minor → support status of the versions the cluster may go to. */
    supported: Map<string, string>;
    /** Minors with a published EKS-optimized AMI. */
    published: Set<string>;
  },
): Promise<UpgradePreflight> {
  const { problems, warnings } = checkSnapshot(snapshot, input, versions.supported);
  problems.push(...planProblems);
  if (problems.length === 0 && plan.phases.length === 0) {
    problems.push(
      `cluster ${snapshot.cluster} is already on ${input.toVersion}, with every node group and add-on on it: nothing to upgrade`,
    );
  }
  let insights: InsightFinding[] = [];

  if (snapshot.kind === "eks") {
    const judged = judgeInsights(await deps.eks.listInsights(snapshot.cluster), input.acceptInsights);
    insights = judged.findings;
    problems.push(...judged.problems);
    warnings.push(...judged.warnings);

    const subnets = snapshot.subnetIds.length > 0 ? await deps.ec2.describeSubnets(snapshot.subnetIds) : [];
    const free = subnets.reduce((sum, s) => sum + s.availableIpAddressCount, 0);
    if (subnets.length > 0 && free < MIN_FREE_IPS) {
      problems.push(
        `the cluster subnets have ${free} free IP address(es) (${subnets.map((s) => `${s.subnetId}: ${s.availableIpAddressCount}`).join(", ")}); EKS needs at least ${MIN_FREE_IPS} to update the control plane: free addresses or add subnets first`,
      );
    }
  }

  // Every node is replaced at least once: a budget that never allows a disruption would block a roll.
  const kube = await deps.kube(snapshot.cluster);
  for (const pdb of await kube.listPdbs()) {
    if (pdb.expectedPods > 0 && pdb.desiredHealthy >= pdb.expectedPods) {
      problems.push(
        `PodDisruptionBudget ${pdb.namespace}/${pdb.name} can never allow a disruption (it needs ${pdb.desiredHealthy} healthy pods of ${pdb.expectedPods}) and every node is replaced during the upgrade: relax it (for example maxUnavailable: 1) or scale its workload up, then retry`,
      );
    }
  }

  const rollTargets = new Set(
    plan.phases.flatMap((p) => (p.kind === "node-groups" ? p.groups.map((g) => g.toVersion) : [])),
  );
  if (snapshot.kind === "self-managed") for (const minor of plan.path) rollTargets.add(minor);
  for (const minor of rollTargets) {
    if (!versions.published.has(minor)) {
      problems.push(
        `no EKS-optimized AMI is published for Kubernetes ${minor} (SSM public parameter missing): cannot build nodes for it`,
      );
    }
  }

  if (snapshot.kind === "self-managed" && snapshot.controlPlane) {
    const members = await (await deps.etcd(snapshot.cluster)).listMembers();
    // Quorum is the voters' business: a learner neither votes nor counts toward it. One is what a
    // control-plane join in progress (or one a stopped run left) looks like, and the roll promotes it
    // once it is in sync or removes it with its instance, so it is reported, not refused.
    const unhealthy = members.filter((m) => !m.isLearner && !m.healthy);
    if (unhealthy.length > 0) {
      problems.push(
        `etcd member(s) ${unhealthy.map((m) => m.name || m.id).join(", ")} are not healthy: the control plane has no quorum to spare for a roll; repair etcd first`,
      );
    }
    const learners = members.filter((m) => m.isLearner);
    if (learners.length > 0) {
      warnings.push(
        `etcd member(s) ${learners.map((m) => m.name || m.id).join(", ")} are learners (a control-plane join in progress or left by a stopped run): the roll promotes each once in sync, or removes it with its instance`,
      );
    }
    if (members.length !== snapshot.controlPlane.nodes) {
      warnings.push(
        `etcd has ${members.length} member(s) for ${snapshot.controlPlane.nodes} control-plane instance(s); members without an instance are removed during the roll`,
      );
    }
  }
  return { ok: problems.length === 0, problems, warnings, insights };
}
