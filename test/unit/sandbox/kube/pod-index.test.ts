/**
 * The pod index keeps list order by merging what changed into the previous order: after any sequence
 * of adds and removes (a name removed and created again included, as a StatefulSet does), sorted()
 * is exactly the live pods in (namespace, name) order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PodIndex, podKey } from "../../../../src/sandbox/kube/pod-index";
import type { PodRecord, WorkloadRecord } from "../../../../src/sandbox/kube/types";

const workload = { uid: "w-1", kind: "Deployment" } as WorkloadRecord;

function pod(namespace: string, name: string): PodRecord {
  return { namespace, name, workload, pdbs: [], readyCounted: false } as unknown as PodRecord;
}

const step = fc.record({
  add: fc.boolean(),
  namespace: fc.constantFrom("default", "data", "kube-system", "a-b"),
  // Few names, so that removes and re-creations of the same name happen often.
  name: fc.constantFrom("a", "b", "web-0", "web-1", "db-0", "z"),
  listAfter: fc.boolean(),
});

describe("PodIndex.sorted", () => {
  it("is the live pods in key order after any adds and removes, listed in between or not", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const index = new PodIndex();
        const live = new Map<string, PodRecord>();
        for (const s of steps) {
          const key = podKey(s.namespace, s.name);
          const existing = live.get(key);
          if (s.add && !existing) {
            const created = pod(s.namespace, s.name);
            index.add(created);
            live.set(key, created);
          } else if (!s.add && existing) {
            index.remove(existing, undefined, false);
            live.delete(key);
          }
          if (s.listAfter)
            expect(index.sorted().map((p) => podKey(p.namespace, p.name))).toEqual([...live.keys()].sort());
        }
        const expected = [...live.keys()].sort().map((key) => live.get(key));
        expect(index.sorted()).toEqual(expected);
        expect(index.sorted().every((p, i) => p === expected[i])).toBe(true);
      }),
    );
  });

  it("stays exact when most pods are replaced between two lists (the order is dropped and made anew)", () => {
    const index = new PodIndex();
    const live = new Map<string, PodRecord>();
    const add = (name: string) => {
      const created = pod("default", name);
      index.add(created);
      live.set(podKey("default", name), created);
    };
    for (let i = 0; i < 4000; i++) add(`old-${i}`);
    expect(index.sorted()).toHaveLength(4000);
    // A roll replaces pods node by node and nobody lists them all until the end.
    for (let i = 0; i < 3000; i++) {
      const gone = live.get(podKey("default", `old-${i}`)) as PodRecord;
      index.remove(gone, undefined, false);
      live.delete(podKey("default", `old-${i}`));
      add(`new-${i}`);
    }
    const expected = [...live.keys()].sort();
    expect(index.sorted().map((p) => podKey(p.namespace, p.name))).toEqual(expected);
    add("after-0");
    expect(index.sorted().map((p) => podKey(p.namespace, p.name))).toEqual([...live.keys()].sort());
  });
});
