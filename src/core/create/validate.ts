/**
 * First step of create-cluster: parse the spec, read the account, refuse before anything is created
 * (naming the field), and say what will be created and how long it should take.
 */
import { InvalidInputError } from "../errors";
import type { CreationPort } from "./ports";
import { formatRefusals, preflightSpec } from "./preflight";
import { selfManagedPlan, selfManagedRefusals } from "./self-managed/plan";
import { parseClusterSpec } from "./spec";
import type { CreateState, CreateValidation } from "./state";
import { selfManagedGroups } from "./state";

/**
 * Published figures, for a first run with no observations: EKS control planes take about 10 minutes
 * to become ACTIVE, add-ons about a minute, managed node groups 3–5 minutes (boot, join, Ready),
 * self-managed instances 2–3 minutes to boot and turn Ready.
 */
const CONTROL_PLANE_SECONDS = 600;
const ADDONS_SECONDS = 60;
const MANAGED_GROUP_SECONDS = 240;
const SELF_MANAGED_GROUP_SECONDS = 180;
/** How long creation may take before it is a failure. */
const DEADLINE_SECONDS = 3600;

export async function validateCreate(port: CreationPort, state: CreateState, now: Date): Promise<CreateValidation> {
  const spec = parseClusterSpec(state.request.spec);
  const [subnets, versions] = await Promise.all([port.subnets(), port.clusterVersions()]);
  const refusals = preflightSpec(spec, { subnets, versions });
  if (spec.kind === "self-managed") {
    refusals.push(...selfManagedRefusals(spec, subnets));
    return finish(state, spec, refusals, selfManagedPlan(spec, subnets), now);
  }
  const plan: string[] = [`EKS cluster ${spec.name} (Kubernetes ${spec.version}, authentication mode API)`];
  plan.push(`access entries for ${state.request.kubeRoleArns.length} Tugboat role(s) and Tugboat's RBAC`);
  const early = Object.keys(spec.addons).filter((a) => a !== "aws-ebs-csi-driver");
  if (early.length > 0) plan.push(`add-ons before nodes: ${early.join(", ")}`);
  let groupSeconds = 0;
  for (const group of spec.nodeGroups) {
    if (group.kind === "eks-managed") {
      plan.push(`managed node group ${group.name}: ${group.instanceType} in ${Object.keys(group.zones).join(", ")}`);
      groupSeconds = Math.max(groupSeconds, MANAGED_GROUP_SECONDS);
    } else {
      for (const g of selfManagedGroups(spec, group)) {
        const rebalance = Object.keys(g.zones).length > 1 ? " (AZRebalance suspended)" : "";
        plan.push(
          `launch template and Auto Scaling group ${g.asgName} in ${Object.keys(g.zones).join(", ")}${rebalance}`,
        );
      }
      groupSeconds = Math.max(groupSeconds, SELF_MANAGED_GROUP_SECONDS);
    }
  }
  if (spec.addons["aws-ebs-csi-driver"] !== undefined) plan.push("add-on after nodes: aws-ebs-csi-driver");
  const predictedSeconds = CONTROL_PLANE_SECONDS + ADDONS_SECONDS + groupSeconds + (spec.healthPasses - 1) * 30;
  return finish(state, spec, refusals, { plan, predictedSeconds }, now);
}

function finish(
  state: CreateState,
  spec: ReturnType<typeof parseClusterSpec>,
  refusals: ReturnType<typeof preflightSpec>,
  { plan, predictedSeconds }: { plan: string[]; predictedSeconds: number },
  now: Date,
): CreateValidation {
  const deadline = new Date(now.getTime() + DEADLINE_SECONDS * 1000).toISOString();
  const validation: CreateValidation = { spec, refused: refusals.length > 0, predictedSeconds, plan, deadline };
  if (refusals.length > 0) validation.reason = `refused before creating anything: ${formatRefusals(refusals)}`;
  if (validation.refused && !state.request.dryRun) throw new InvalidInputError(validation.reason ?? "refused");
  return validation;
}
