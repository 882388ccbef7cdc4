/**
 * The health gate of a self-managed cluster: on every control-plane node the API server, scheduler,
 * controller manager and etcd Ready and its etcd member a healthy voter; etcd with as many voters as
 * the spec's control-plane nodes and no learner; no node with the cloud provider's uninitialized taint;
 * the spec's Ready nodes per worker group and zone. Passed `healthPasses` times in a row, then the join
 * material is deleted from SSM (a later node would need new material anyway). Workers that never join
 * fail the gate at the creation's deadline.
 */
import { requireSpec } from "../control-plane";
import type { CreationPort } from "../ports";
import type { CreateState, HealthCheck, HealthResult } from "../state";
import { firstHealthLook, selfManagedGroups } from "../state";
import { deleteJoinMaterial } from "./join-material";
import { controlPlaneSlots } from "./layout";
import { type ClusterReads, controlPlaneNodeVerdict, UNINITIALIZED_TAINT } from "./node-health";
import type { JoinMaterialPort } from "./ports";

export async function checkSelfManagedHealth(
  port: CreationPort,
  material: JoinMaterialPort,
  reads: ClusterReads,
  state: CreateState,
  now: Date,
): Promise<HealthResult> {
  const spec = requireSpec(state);
  const previous = state.health ?? firstHealthLook();
  const checks: HealthCheck[] = [];
  const [nodes, members] = await Promise.all([reads.nodes(), reads.etcd().then((e) => e.listMembers())]);
  const slots = controlPlaneSlots(spec, await port.subnets());
  const groups = await port.describeGroups(slots.map((s) => s.asgName));
  for (const slot of slots) {
    const instanceId = groups.find((g) => g.name === slot.asgName)?.instanceIds[0];
    const verdict = instanceId
      ? await controlPlaneNodeVerdict(reads, instanceId, nodes, members)
      : { healthy: false, detail: "no instance" };
    checks.push({
      name: `control-plane node ${slot.index} (${slot.zone})`,
      passed: verdict.healthy,
      detail: verdict.detail,
    });
  }
  const voters = members.filter((m) => !m.isLearner);
  const expected = spec.controlPlane?.nodes ?? 0;
  checks.push({
    name: "etcd",
    passed: voters.length === expected && voters.every((m) => m.healthy) && voters.length === members.length,
    detail: `${voters.filter((m) => m.healthy).length}/${expected} healthy voters, ${members.length - voters.length} learner(s)`,
  });
  const tainted = nodes.filter((n) => n.taints.some((t) => t.key === UNINITIALIZED_TAINT)).map((n) => n.name);
  checks.push({
    name: "cloud provider",
    passed: tainted.length === 0,
    detail: tainted.length === 0 ? "no node uninitialized" : `${UNINITIALIZED_TAINT} on ${tainted.join(", ")}`,
  });
  const missing: string[] = [];
  for (const group of spec.nodeGroups) {
    for (const g of selfManagedGroups(spec, group)) {
      const [live] = await port.describeGroups([g.asgName]);
      const ids = new Set(live?.instanceIds ?? []);
      for (const [zone, wanted] of Object.entries(g.zones)) {
        const ready = nodes.filter(
          (n) => n.ready && n.instanceId && ids.has(n.instanceId) && n.availabilityZone === zone,
        ).length;
        const passed = ready >= wanted;
        if (!passed) missing.push(`${g.nodeGroup} in ${zone}: ${ready}/${wanted} Ready`);
        checks.push({ name: `nodes ${g.nodeGroup} ${zone}`, passed, detail: `${ready}/${wanted} Ready` });
      }
    }
  }
  const passed = checks.every((c) => c.passed);
  const passes = passed ? previous.passes + 1 : 0;
  let changes = previous.changes;
  const done = passes >= spec.healthPasses;
  if (done) changes += await deleteJoinMaterial(material, spec.name);
  const deadline = state.validation?.deadline ? new Date(state.validation.deadline) : undefined;
  if (!done && deadline && now > deadline) {
    const failing = checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
    return {
      ...previous,
      done: true,
      failed: true,
      passes,
      checks,
      changes,
      reason: `self-managed cluster ${spec.name} not healthy by the deadline: ${failing.join("; ")}${missing.length ? " (workers join with the bootstrap token and CA hash in SSM)" : ""}`,
    };
  }
  return { ...previous, done, failed: false, passes, checks, changes };
}
