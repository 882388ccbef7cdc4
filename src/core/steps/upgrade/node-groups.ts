/**
 * A node-group phase: point each group at a launch template version with the EKS-optimized AMI of the
 * phase's minor, then roll the groups through child roll-node-group executions (a Map in the
 * workflow, capped by maxParallelRolls), and read back how each child ended.
 */
import { createHash } from "node:crypto";
import { TerminalError } from "../../errors";
import type { Deps } from "../../ports";
import { type AmiFamily, describeAmiFamily } from "../../upgrade/ami-family";
import type { PhaseProgress, RollRequest, UpgradeState } from "../../upgrade/state";
import { amiFamilyOfManagedGroup, amiFamilyOfTemplate } from "./ami-choice";
import { pointGroupAtImage, templateVersionFor } from "./launch-template";
import { currentPhase } from "./phases";

/** Step Functions execution names: at most 80 characters of letters, digits, '-' and '_'. */
export function childExecutionName(runId: string, nodeGroup: string, minor: string): string {
  const name = `${runId}-${nodeGroup}-${minor}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (name.length <= 80) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, 71)}-${hash}`;
}

export async function prepareRolls(deps: Deps, state: UpgradeState): Promise<{ items: RollRequest[] }> {
  const phase = currentPhase(state);
  if (phase.kind !== "node-groups") throw new Error("prepareRolls outside a node-group phase");
  const { input, run } = state;
  const groups = state.assessment?.cluster.nodeGroups ?? [];
  const items: RollRequest[] = [];
  for (const planned of phase.groups) {
    const group = groups.find((g) => g.name === planned.name);
    if (!group) throw new TerminalError(`node group ${planned.name} is not in the assessed cluster`);
    const asg = await deps.autoScaling.describeGroup(group.asgName);
    if (!asg) throw new TerminalError(`Auto Scaling group ${group.asgName} of node group ${group.name} is gone`);
    let launchTemplateVersion: string | undefined;
    let imageId: string | undefined;
    if (group.mode === "eks-managed") {
      const managed = await deps.eks.describeNodegroup(input.cluster, group.name);
      const template = managed?.launchTemplate;
      if (managed && template?.id && template.version) {
        const ami = await recommendedImage(deps, phase.toVersion, await amiFamilyOfManagedGroup(deps, managed));
        imageId = ami.imageId;
        const description = `Kubernetes ${phase.toVersion} (${ami.releaseVersion ?? ami.imageId}), upgrade-cluster ${run.runId}`;
        launchTemplateVersion = await templateVersionFor(
          deps,
          { id: template.id, version: template.version },
          ami.imageId,
          description,
        );
      }
    } else {
      if (!asg.launchTemplate) {
        throw new TerminalError(
          `Auto Scaling group ${asg.name} of node group ${group.name} has no launch template (a launch configuration?): Tugboat upgrades groups that launch from a launch template; migrate it first`,
        );
      }
      const family = await amiFamilyOfTemplate(deps, asg.launchTemplate, `node group ${group.name}`);
      const ami = await recommendedImage(deps, phase.toVersion, family);
      imageId = ami.imageId;
      const description = `Kubernetes ${phase.toVersion} (${ami.releaseVersion ?? ami.imageId}), upgrade-cluster ${run.runId}`;
      launchTemplateVersion = await pointGroupAtImage(deps, asg.name, asg.launchTemplate, ami.imageId, description);
    }
    deps.log.info(`node group ${group.name} → ${phase.toVersion}: ${planned.reason}`, {
      runId: run.runId,
      launchTemplateVersion,
      ...(imageId ? { imageId } : {}),
    });
    items.push({
      nodeGroup: group.name,
      executionName: childExecutionName(run.runId, group.name, phase.toVersion),
      input: {
        cluster: input.cluster,
        nodeGroup: group.name,
        kubernetesVersion: phase.toVersion,
        ...(launchTemplateVersion ? { launchTemplateVersion } : {}),
        parentExecutionId: run.executionId,
        drainTimeoutSeconds: input.drainTimeoutSeconds,
        readyTimeoutSeconds: input.readyTimeoutSeconds,
        requestedBy: `upgrade-cluster ${run.runId} (${input.requestedBy})`,
      },
    });
  }
  return { items };
}

/** The cause a failed child reports, out of the DescribeExecution JSON Step Functions puts in Cause. */
function childCause(error: { Error: string; Cause: string }): string {
  try {
    const described = JSON.parse(error.Cause) as { Cause?: string; Error?: string };
    if (described.Cause) return described.Cause;
    if (described.Error) return described.Error;
  } catch {
    // Not JSON: the cause is already a message.
  }
  return error.Cause || error.Error;
}

export async function collectRolls(deps: Deps, state: UpgradeState): Promise<PhaseProgress> {
  const results = state.rollResults ?? [];
  const failures: string[] = [];
  for (const result of results) {
    const summary = result.output?.summary;
    if (result.error) failures.push(`${result.nodeGroup}: ${childCause(result.error)}`);
    else if (summary?.outcome !== "succeeded")
      failures.push(`${result.nodeGroup}: ${summary?.reason ?? summary?.outcome ?? "no summary"}`);
    else
      deps.log.info(`node group ${result.nodeGroup} rolled`, {
        runId: state.run.runId,
        replaced: summary.nodesReplaced,
      });
  }
  const base = { phase: state.cursor?.index ?? 0, waitSeconds: 0, attempts: 1 };
  if (failures.length > 0) {
    return {
      ...base,
      done: false,
      failed: true,
      reason: `node group roll(s) did not succeed: ${failures.join("; ")}; each roll restored its group's capacity; fix the cause and rerun the upgrade, which resumes from the cluster as it is`,
    };
  }
  return { ...base, done: true, failed: false, activity: `${results.length} node group(s) rolled` };
}

/** The family's recommended image for the minor, or a refusal that names both. */
async function recommendedImage(
  deps: Deps,
  minor: string,
  family: AmiFamily,
): Promise<{ imageId: string; releaseVersion?: string }> {
  const ami = await deps.parameters.recommendedEksAmi(minor, family);
  if (!ami) {
    throw new TerminalError(`no EKS-optimized ${describeAmiFamily(family)} image is published for Kubernetes ${minor}`);
  }
  return ami;
}
