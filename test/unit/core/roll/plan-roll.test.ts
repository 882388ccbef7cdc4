import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rollEstimates } from "../../../../src/core/estimates/roll-estimates";
import type { KubePdb, KubePod } from "../../../../src/core/model/kube";
import { planRoll } from "../../../../src/core/roll/plan-roll";
import type { GroupMember, GroupSnapshot } from "../../../../src/core/roll/snapshot-types";
import { defaultSurge, resolveSurge } from "../../../../src/core/roll/surge";

/** No observations: the published defaults. */
const estimates = rollEstimates([]);

function snapshot(members: GroupMember[], desired = members.length, max = members.length): GroupSnapshot {
  return {
    cluster: "demo",
    nodeGroup: "workers",
    mode: "self-managed-asg",
    asg: {
      name: "demo-workers",
      minSize: 0,
      maxSize: max,
      desiredCapacity: desired,
      availabilityZones: ["a", "b", "c"],
      suspendedProcesses: [],
    },
    target: { launchTemplateVersion: "2", imageId: "ami-new" },
    members,
    takenAt: "2026-01-01T00:00:00.000Z",
  };
}

function member(id: string, zone: string, version: string): GroupMember {
  return {
    instanceId: id,
    availabilityZone: zone,
    lifecycleState: "InService",
    launchTemplateVersion: version,
    imageId: version === "2" ? "ami-new" : "ami-old",
    nodeName: `node-${id}`,
    nodeReady: true,
    unschedulable: false,
  };
}

const memberArb = fc
  .record({
    zone: fc.constantFrom("us-east-1a", "us-east-1b", "us-east-1c"),
    outdated: fc.boolean(),
    n: fc.nat(1_000_000),
  })
  .map(({ zone, outdated, n }) => member(`i-${n.toString(16).padStart(8, "0")}`, zone, outdated ? "1" : "2"));
const groupArb = fc.uniqueArray(memberArb, { selector: (m) => m.instanceId, minLength: 1, maxLength: 120 });

describe("planRoll", () => {
  it("replaces exactly the outdated members, each once", () => {
    fc.assert(
      fc.property(groupArb, (members) => {
        const plan = planRoll({ snapshot: snapshot(members), input: {}, estimates, pods: [], pdbs: [] });
        const planned = plan.batches.flatMap((b) => b.victims.map((v) => v.instanceId));
        const outdated = members.filter((m) => m.launchTemplateVersion === "1").map((m) => m.instanceId);
        expect(new Set(planned).size).toBe(planned.length);
        expect([...planned].sort()).toEqual([...outdated].sort());
      }),
    );
  });

  it("makes AZ-uniform batches no larger than the surge", () => {
    fc.assert(
      fc.property(groupArb, (members) => {
        const plan = planRoll({ snapshot: snapshot(members), input: {}, estimates, pods: [], pdbs: [] });
        const remaining = new Map<string, number>();
        for (const m of members.filter((x) => x.launchTemplateVersion === "1")) {
          remaining.set(m.availabilityZone, (remaining.get(m.availabilityZone) ?? 0) + 1);
        }
        for (const batch of plan.batches) {
          expect(batch.victims.length).toBeLessThanOrEqual(plan.surge);
          // Round-robin: zones that still have victims differ by at most one within a batch.
          const counts = [...remaining.entries()]
            .filter(([, left]) => left > 0)
            .map(([zone]) => batch.byZone[zone] ?? 0);
          if (counts.length > 0) expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          for (const [zone, count] of Object.entries(batch.byZone))
            remaining.set(zone, (remaining.get(zone) ?? 0) - count);
        }
      }),
    );
  });

  it("is deterministic whatever the input order", () => {
    fc.assert(
      fc.property(groupArb, (members) => {
        const a = planRoll({ snapshot: snapshot(members), input: {}, estimates, pods: [], pdbs: [] });
        const b = planRoll({ snapshot: snapshot([...members].reverse()), input: {}, estimates, pods: [], pdbs: [] });
        expect(a.batches).toEqual(b.batches);
      }),
    );
  });

  it("flags a PDB that can never allow a disruption and raises max size for the surge", () => {
    const members = [
      member("i-1", "us-east-1a", "1"),
      member("i-2", "us-east-1b", "1"),
      member("i-3", "us-east-1c", "1"),
    ];
    const pod: KubePod = {
      namespace: "data",
      name: "db-0",
      nodeName: "node-i-1",
      phase: "Running",
      ready: true,
      labels: { app: "db" },
      ownerKind: "StatefulSet",
      mirror: false,
      deleting: false,
      terminationGracePeriodSeconds: 30,
      createdAt: new Date(0),
    };
    const pdb: KubePdb = {
      namespace: "data",
      name: "db",
      matchLabels: { app: "db" },
      minAvailable: 3,
      currentHealthy: 3,
      desiredHealthy: 3,
      expectedPods: 3,
      disruptionsAllowed: 0,
    };
    const plan = planRoll({ snapshot: snapshot(members), input: {}, estimates, pods: [pod], pdbs: [pdb] });
    expect(plan.pdbRisks).toEqual([
      expect.objectContaining({ pdb: "data/db", neverAllows: true, podsOnOutdatedNodes: 1 }),
    ]);
    expect(plan.raiseMaxTo).toBe(6);
    expect(plan.notes[0]).toContain("raised to 6");
  });

  it("ignores members on their way out", () => {
    const leaving = { ...member("i-9", "us-east-1a", "1"), lifecycleState: "Terminating" };
    const plan = planRoll({
      snapshot: snapshot([leaving, member("i-1", "us-east-1a", "1")]),
      input: {},
      estimates,
      pods: [],
      pdbs: [],
    });
    expect(plan.batches.flatMap((b) => b.victims.map((v) => v.instanceId))).toEqual(["i-1"]);
  });
});

describe("surge", () => {
  it("defaults to 10% of the group, at least one per AZ, in multiples of the AZ count", () => {
    expect(defaultSurge(9, 3)).toBe(3);
    expect(defaultSurge(300, 3)).toBe(30);
    expect(defaultSurge(5000, 3)).toBe(501);
    expect(defaultSurge(4, 1)).toBe(1);
  });
  it("takes a count or a percentage", () => {
    expect(resolveSurge(5, 100, 3)).toBe(5);
    expect(resolveSurge("25%", 10, 3)).toBe(3);
    expect(resolveSurge("1%", 10, 3)).toBe(1);
  });
});
