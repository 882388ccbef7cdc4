import { describe, expect, it } from "vitest";
import type { KubePdb, KubePod } from "../../../../src/core/model/kube";
import { chooseVictims } from "../../../../src/core/roll/choose-victims";

const pod = (name: string, node: string, app: string): KubePod => ({
  namespace: "default",
  name,
  nodeName: node,
  phase: "Running",
  ready: true,
  labels: { app },
  ownerKind: "StatefulSet",
  mirror: false,
  deleting: false,
  terminationGracePeriodSeconds: 30,
  createdAt: new Date(0),
});
const pdb = (app: string, expected: number, desired: number): KubePdb => ({
  namespace: "default",
  name: app,
  matchLabels: { app },
  currentHealthy: expected,
  desiredHealthy: desired,
  expectedPods: expected,
  disruptionsAllowed: expected - desired,
});
const node = (name: string, zone = "a") => ({ nodeName: name, availabilityZone: zone });

describe("chooseVictims", () => {
  it("defers a node that would take a one-at-a-time budget past its allowance", () => {
    const pods = new Map([
      ["n1", [pod("db-0", "n1", "db")]],
      ["n2", [pod("db-1", "n2", "db")]],
      ["n3", []],
    ]);
    const chosen = chooseVictims([node("n1"), node("n2"), node("n3")], { a: 2 }, pods, [pdb("db", 3, 2)]);
    expect(chosen.map((n) => n.nodeName)).toEqual(["n1", "n3"]);
  });

  it("fills the quota with the least overrunning deferred nodes when too few fit", () => {
    const pods = new Map([
      ["n1", [pod("db-0", "n1", "db")]],
      ["n2", [pod("db-1", "n2", "db")]],
      ["n3", [pod("web-0", "n3", "web"), pod("web-1", "n3", "web"), pod("web-2", "n3", "web")]],
    ]);
    const budgets = [pdb("db", 3, 2), pdb("web", 20, 18)];
    const chosen = chooseVictims([node("n1"), node("n2"), node("n3")], { a: 2 }, pods, budgets);
    // n2 would need a second disruption of a budget of one; n3 one more of a budget of two: n3 first.
    expect(chosen.map((n) => n.nodeName)).toEqual(["n1", "n3"]);
  });

  it("keeps to each AZ's quota", () => {
    const chosen = chooseVictims([node("a1", "a"), node("a2", "a"), node("b1", "b")], { a: 1, b: 1 }, new Map(), []);
    expect(chosen.map((n) => n.nodeName)).toEqual(["a1", "b1"]);
  });

  it("takes first the nodes whose pods use the largest share of a budget's round", () => {
    const pods = new Map([
      ["n1", [pod("web-0", "n1", "web")]],
      ["n2", [pod("web-1", "n2", "web")]],
      ["n3", [pod("db-0", "n3", "db")]],
    ]);
    const budgets = [pdb("db", 3, 2), pdb("web", 100, 90)];
    const chosen = chooseVictims([node("n1"), node("n2"), node("n3")], { a: 2 }, pods, budgets);
    expect(chosen.map((n) => n.nodeName)).toEqual(["n3", "n1"]);
  });

  it("queues nothing more behind a budget whose refused pods still wait", () => {
    const pods = new Map([
      ["n1", [pod("db-1", "n1", "db")]],
      ["n2", [pod("db-2", "n2", "db")]],
      ["n3", []],
    ]);
    const waiting = [pod("db-0", "n0", "db")];
    const budgets = [pdb("db", 4, 3)];
    // Without the waiting pod one db node fits the budget; with it, none does, and none is queued behind it.
    expect(chooseVictims([node("n1"), node("n2"), node("n3")], { a: 3 }, pods, budgets).map((n) => n.nodeName)).toEqual(
      ["n1", "n3", "n2"],
    );
    expect(
      chooseVictims([node("n1"), node("n2"), node("n3")], { a: 3 }, pods, budgets, waiting).map((n) => n.nodeName),
    ).toEqual(["n3"]);
  });
});
