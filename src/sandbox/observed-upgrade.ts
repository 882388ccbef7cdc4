/**
 * What a cluster upgrade did, as the simulated world recorded it, without reading Tugboat's
 * summary: control-plane version updates EKS completed (or, for a self-managed control plane, the
 * minors the API server moved through), add-on updates EKS completed, and per node group the
 * instances launched and terminated. A node group counts one roll per new image launched into it
 * (each roll brings its nodes to one new AMI). Tugboat's summary is compared with these figures.
 */
import { CONTROL_PLANE_GROUP } from "./aws/build-from-scenario";
import type { Sandbox } from "./sandbox";

export interface ObservedUpgrade {
  controlPlaneUpdates: number;
  addonUpdates: number;
  /** Per node group: distinct images launched into it during the run. */
  nodeGroupRolls: Record<string, number>;
  /** Node group instances terminated during the run: nodes replaced. */
  nodeReplacements: number;
  instancesLaunched: number;
}

export interface UpgradeFiguresSummary {
  controlPlaneUpdates: number;
  addonUpdates: number;
  nodeGroupRolls: Record<string, number>;
}

const GONE = new Set(["shutting-down", "terminated"]);

export class UpgradeObserver {
  private readonly updatesBefore: Set<string>;
  private readonly instancesBefore: Map<string, string>;
  private readonly minorBefore: number;
  private readonly groups: Set<string>;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly cluster: string,
  ) {
    const snapshot = sandbox.region.snapshot();
    this.updatesBefore = new Set(snapshot.updates.map((u) => u.id));
    this.instancesBefore = new Map(snapshot.instances.map((i) => [i.instanceId, i.state]));
    this.minorBefore = minorOf(sandbox.clusterNamed(cluster).state.serverMinor);
    // The node groups of the cluster upgraded, as the region records them (a created cluster's too).
    this.groups = new Set(
      snapshot.instances
        .filter((i) => i.cluster === cluster && i.nodeGroup !== CONTROL_PLANE_GROUP)
        .map((i) => i.nodeGroup),
    );
  }

  finish(): ObservedUpgrade {
    const snapshot = this.sandbox.region.snapshot();
    const completed = snapshot.updates.filter(
      (u) => !this.updatesBefore.has(u.id) && u.cluster === this.cluster && u.status === "Successful",
    );
    const eksVersionUpdates = completed.filter((u) => u.type === "VersionUpdate" && u.nodegroup === undefined).length;
    const controlPlaneUpdates =
      this.sandbox.scenario.cluster.kind === "eks"
        ? eksVersionUpdates
        : Math.max(0, minorOf(this.sandbox.clusterNamed(this.cluster).state.serverMinor) - this.minorBefore);
    const groupInstances = snapshot.instances.filter((i) => this.groups.has(i.nodeGroup));
    const launched = groupInstances.filter((i) => !this.instancesBefore.has(i.instanceId));
    const images = new Map<string, Set<string>>();
    for (const instance of launched) {
      const set = images.get(instance.nodeGroup) ?? new Set<string>();
      set.add(instance.imageId);
      images.set(instance.nodeGroup, set);
    }
    const replaced = groupInstances.filter(
      (i) => GONE.has(i.state) && !GONE.has(this.instancesBefore.get(i.instanceId) ?? "running"),
    );
    return {
      controlPlaneUpdates,
      addonUpdates: completed.filter((u) => u.type === "AddonUpdate").length,
      nodeGroupRolls: Object.fromEntries([...images.entries()].sort().map(([group, set]) => [group, set.size])),
      nodeReplacements: replaced.length,
      instancesLaunched: launched.length,
    };
  }
}

/** Where Tugboat's summary and the world disagree, in words; empty when they agree. */
export function compareUpgradeFigures(world: ObservedUpgrade, summary: UpgradeFiguresSummary | undefined): string[] {
  if (!summary) return [];
  const problems: string[] = [];
  if (summary.controlPlaneUpdates !== world.controlPlaneUpdates) {
    problems.push(
      `controlPlaneUpdates: the summary says ${summary.controlPlaneUpdates}, the world recorded ${world.controlPlaneUpdates}`,
    );
  }
  if (summary.addonUpdates !== world.addonUpdates) {
    problems.push(`addonUpdates: the summary says ${summary.addonUpdates}, the world recorded ${world.addonUpdates}`);
  }
  const groups = new Set([...Object.keys(summary.nodeGroupRolls), ...Object.keys(world.nodeGroupRolls)]);
  for (const group of [...groups].sort()) {
    const said = summary.nodeGroupRolls[group] ?? 0;
    const seen = world.nodeGroupRolls[group] ?? 0;
    if (said !== seen) problems.push(`rolls of ${group}: the summary says ${said}, the world saw ${seen} new image(s)`);
  }
  return problems;
}

function minorOf(version: string): number {
  return Number(version.split(".")[1] ?? Number.NaN);
}
