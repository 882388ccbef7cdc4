import { describe, expect, it } from "vitest";
import { SeededRandom, VirtualClock } from "../../../../src/sandbox/clock";
import { EtcdCluster, LEARNER_CATCH_UP_SECONDS } from "../../../../src/sandbox/etcd/etcd-cluster";
import { EtcdError } from "../../../../src/sandbox/etcd/etcd-errors";
import {
  JOIN_RETRY_SECONDS,
  KubeadmJoin,
  MEMBER_START_SECONDS,
  PROMOTE_TIMEOUT_SECONDS,
} from "../../../../src/sandbox/etcd/kubeadm-join";
import { failureTolerance } from "../../../../src/sandbox/etcd/quorum-monitor";

function threeMembers() {
  const clock = new VirtualClock();
  const etcd = new EtcdCluster(clock, new SeededRandom(7));
  const join = new KubeadmJoin(etcd, clock);
  for (const n of [1, 2, 3]) {
    join.nodeReady({ nodeName: `cp-${n}`, instanceId: `i-${n}`, privateIp: `10.0.0.${n}`, initial: true });
  }
  return { clock, etcd, join };
}

function refusal(run: () => unknown): EtcdError {
  try {
    run();
  } catch (error) {
    if (error instanceof EtcdError) return error;
    throw error;
  }
  throw new Error("expected etcd to refuse");
}

describe("etcd membership", () => {
  it("starts with the scenario's members started and healthy, with uint64 ids", () => {
    const { etcd } = threeMembers();
    const members = etcd.list();
    expect(members.map((m) => m.name).sort()).toEqual(["cp-1", "cp-2", "cp-3"]);
    expect(members.every((m) => etcd.isHealthy(m))).toBe(true);
    for (const member of members) expect(member.id > 0n && member.id < 2n ** 64n).toBe(true);
    expect(etcd.hasQuorum()).toBe(true);
    expect(etcd.leader()).toBeDefined();
  });

  it("adds a joining machine as a learner once its node is Ready and starts it a few seconds later", () => {
    const { clock, etcd, join } = threeMembers();
    join.nodeReady({ nodeName: "cp-4", instanceId: "i-4", privateIp: "10.0.0.4", initial: false });
    const added = etcd.memberOnInstance("i-4");
    expect(added).toMatchObject({ name: "", started: false, isLearner: true, peerUrls: ["https://10.0.0.4:2380"] });
    expect(etcd.isHealthy(added as NonNullable<typeof added>)).toBe(false);
    clock.advanceBy(MEMBER_START_SECONDS);
    expect(etcd.memberOnInstance("i-4")).toMatchObject({ name: "cp-4", started: true });
    expect(etcd.healthyCount()).toBe(4);
  });

  it("keeps a member whose machine died in the list, unhealthy, until it is removed", () => {
    const { etcd, join } = threeMembers();
    join.machineDown("i-2");
    const dead = etcd.memberOnInstance("i-2");
    expect(dead).toMatchObject({ name: "cp-2", running: false });
    expect(etcd.list()).toHaveLength(3);
    expect(etcd.healthyCount()).toBe(2);
    etcd.removeMember((dead as NonNullable<typeof dead>).id);
    expect(etcd.list()).toHaveLength(2);
    expect(etcd.hasQuorum()).toBe(true);
  });

  it("refuses to add a voting member while a dead member is still listed, and lets it in once removed", () => {
    const { clock, etcd, join } = threeMembers();
    join.machineDown("i-1");
    join.nodeReady({ nodeName: "cp-4", instanceId: "i-4", privateIp: "10.0.0.4", initial: false });
    expect(etcd.memberOnInstance("i-4")).toBeUndefined();
    expect(join.refusals.get("i-4")).toBe("etcdserver: unhealthy cluster");
    const dead = etcd.memberOnInstance("i-1") as NonNullable<ReturnType<typeof etcd.memberOnInstance>>;
    etcd.removeMember(dead.id);
    clock.advanceBy(JOIN_RETRY_SECONDS + MEMBER_START_SECONDS);
    expect(etcd.memberOnInstance("i-4")).toMatchObject({ name: "cp-4", started: true, running: true });
    expect(etcd.healthyCount()).toBe(3);
  });

  it("refuses to remove a healthy member when the healthy rest would fall below the new quorum", () => {
    const { etcd, join } = threeMembers();
    join.machineDown("i-3");
    const healthy = etcd.memberOnInstance("i-1") as NonNullable<ReturnType<typeof etcd.memberOnInstance>>;
    const error = refusal(() => etcd.removeMember(healthy.id));
    expect(error.message).toBe("etcdserver: unhealthy cluster");
    expect(error.grpcCode).toBe(14);
    expect(error.httpStatus).toBe(503);
    expect(etcd.list()).toHaveLength(3);
  });

  it("refuses a removal that leaves too few started voters", () => {
    const clock = new VirtualClock();
    const etcd = new EtcdCluster(clock, new SeededRandom(3));
    const first = etcd.bootstrap("cp-1", "i-1", "https://10.0.0.1:2380");
    etcd.bootstrap("cp-2", "i-2", "https://10.0.0.2:2380");
    etcd.addMember("cp-3", "i-3", "https://10.0.0.3:2380");
    expect(etcd.hasQuorum()).toBe(true);
    // Removing a started voter leaves one started voter of two: below the quorum of two.
    const error = refusal(() => etcd.removeMember(first.id));
    expect(error.message).toBe("etcdserver: re-configuration failed due to not enough started members");
    expect(error.grpcCode).toBe(9);
    expect(error.httpStatus).toBe(400);
  });

  it("answers member not found for an unknown id", () => {
    const { etcd } = threeMembers();
    const error = refusal(() => etcd.removeMember(12345n));
    expect(error.message).toBe("etcdserver: member not found");
    expect(error.httpStatus).toBe(404);
  });

  it("records every change for the quorum monitor, with the worst margin and lost quorum", () => {
    const { clock, etcd, join } = threeMembers();
    expect(etcd.monitor.minimumMargin()).toBe(1);
    clock.advanceBy(60);
    join.machineDown("i-1");
    expect(etcd.monitor.minimumMargin()).toBe(0);
    expect(etcd.monitor.everLostQuorum()).toBe(false);
    clock.advanceBy(60);
    join.machineDown("i-2");
    expect(etcd.hasQuorum()).toBe(false);
    expect(etcd.leader()).toBeUndefined();
    expect(etcd.monitor.everLostQuorum()).toBe(true);
    expect(etcd.monitor.minimumMargin()).toBe(-1);
    const last = etcd.monitor.history().at(-1);
    expect(last).toMatchObject({ members: 3, healthy: 1, quorum: 2, atMs: clock.nowMs() });
    const error = refusal(() => etcd.removeMember(etcd.list()[0]?.id as bigint));
    expect(error.message).toBe("etcdserver: no leader");
  });
});

describe("etcd learners", () => {
  const peer = (n: number) => `https://10.0.0.${n}:2380`;

  it("a learner neither votes nor counts toward quorum: two voters down of three lose it, learner or not", () => {
    const { clock, etcd, join } = threeMembers();
    const learner = etcd.addLearner("cp-4", "i-4", peer(4));
    etcd.startMember(learner.id);
    clock.advanceBy(LEARNER_CATCH_UP_SECONDS);
    expect(etcd.voters()).toHaveLength(3);
    expect(etcd.monitor.history().at(-1)).toMatchObject({ members: 3, healthy: 3, quorum: 2, learners: 1 });
    join.machineDown("i-1");
    join.machineDown("i-2");
    // Two members answer (a voter and the learner), but only one of three voters: no quorum, no leader.
    expect(etcd.healthyCount()).toBe(2);
    expect(etcd.hasQuorum()).toBe(false);
    expect(etcd.leader()).toBeUndefined();
  });

  it("keeps the failure tolerance of three voters through a whole kubeadm join, where a voting add drops it to 0", () => {
    const learnerJoin = threeMembers();
    learnerJoin.clock.advanceBy(60);
    learnerJoin.join.nodeReady({ nodeName: "cp-4", instanceId: "i-4", privateIp: "10.0.0.4", initial: false });
    learnerJoin.clock.advanceBy(MEMBER_START_SECONDS + LEARNER_CATCH_UP_SECONDS + 1);
    const joined = learnerJoin.etcd.memberOnInstance("i-4");
    expect(joined).toMatchObject({ name: "cp-4", isLearner: false, started: true });
    const samples = learnerJoin.etcd.monitor.history();
    expect(samples.map(failureTolerance).every((tolerance) => tolerance >= 1)).toBe(true);
    expect(samples.at(-1)).toMatchObject({ members: 4, healthy: 4, quorum: 3, learners: 0 });

    // The same join as a voting MemberAdd: three healthy of four voters until the process starts.
    const votingJoin = threeMembers();
    votingJoin.etcd.addMember("cp-4", "i-4", peer(4));
    expect(votingJoin.etcd.monitor.history().at(-1)).toMatchObject({ members: 4, healthy: 3, quorum: 3 });
    expect(votingJoin.etcd.monitor.minimumMargin()).toBe(0);
  });

  it("refuses to promote a learner not in sync with the leader, with etcd's words, then promotes it once caught up", () => {
    const { clock, etcd } = threeMembers();
    const learner = etcd.addLearner("cp-4", "i-4", peer(4));
    const notStarted = refusal(() => etcd.promoteMember(learner.id));
    expect(notStarted.message).toBe("etcdserver: can only promote a learner member which is in sync with leader");
    etcd.startMember(learner.id);
    const catchingUp = refusal(() => etcd.promoteMember(learner.id));
    expect(catchingUp.message).toBe("etcdserver: can only promote a learner member which is in sync with leader");
    expect(catchingUp.grpcCode).toBe(9);
    expect(catchingUp.httpStatus).toBe(400);
    expect(etcd.member(learner.id)?.isLearner).toBe(true);
    clock.advanceBy(LEARNER_CATCH_UP_SECONDS);
    etcd.promoteMember(learner.id);
    expect(etcd.member(learner.id)?.isLearner).toBe(false);
    expect(etcd.voters()).toHaveLength(4);
  });

  it("refuses to promote a member that already votes", () => {
    const { etcd } = threeMembers();
    const voter = etcd.voters()[0] as NonNullable<ReturnType<typeof etcd.member>>;
    const error = refusal(() => etcd.promoteMember(voter.id));
    expect(error.message).toBe("etcdserver: can only promote a learner member");
    expect(error.grpcCode).toBe(9);
    expect(refusal(() => etcd.promoteMember(4242n)).message).toBe("etcdserver: member not found");
  });

  it("takes one learner at a time (--experimental-max-learners defaults to 1)", () => {
    const { etcd } = threeMembers();
    etcd.addLearner("cp-4", "i-4", peer(4));
    const error = refusal(() => etcd.addLearner("cp-5", "i-5", peer(5)));
    expect(error.message).toBe("etcdserver: too many learner members in cluster");
    expect(error.grpcCode).toBe(9);
    expect(etcd.learners()).toHaveLength(1);
  });

  it("removes a learner without the voting checks, even while a voter is down", () => {
    const { etcd, join } = threeMembers();
    const learner = etcd.addLearner("cp-4", "i-4", peer(4));
    join.machineDown("i-1");
    etcd.removeMember(learner.id);
    expect(etcd.learners()).toHaveLength(0);
    expect(etcd.voters()).toHaveLength(3);
  });

  it("kubeadm gives up promoting after its 2-minute timeout, leaving the learner for someone else to promote", () => {
    const { clock, etcd, join } = threeMembers();
    etcd.learnerCatchUpSeconds = PROMOTE_TIMEOUT_SECONDS + 60;
    join.nodeReady({ nodeName: "cp-4", instanceId: "i-4", privateIp: "10.0.0.4", initial: false });
    clock.advanceBy(MEMBER_START_SECONDS + PROMOTE_TIMEOUT_SECONDS + 1);
    expect(join.refusals.get("i-4")).toBe("etcdserver: can only promote a learner member which is in sync with leader");
    clock.advanceBy(60);
    // Caught up now, but kubeadm stopped asking: the member stays a learner.
    const learner = etcd.memberOnInstance("i-4") as NonNullable<ReturnType<typeof etcd.member>>;
    expect(learner).toMatchObject({ isLearner: true, inSync: true, started: true });
    etcd.promoteMember(learner.id);
    expect(etcd.voters()).toHaveLength(4);
    expect(etcd.monitor.minimumMargin()).toBe(1);
  });
});
