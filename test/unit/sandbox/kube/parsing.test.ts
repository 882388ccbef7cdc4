import { describe, expect, it } from "vitest";
import { applyPatch, JSON_PATCH, MERGE_PATCH, PatchError } from "../../../../src/sandbox/kube/api/patch";
import { scaledValue } from "../../../../src/sandbox/kube/disruption";
import {
  matchesSelector,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from "../../../../src/sandbox/kube/selectors";

describe("label selectors", () => {
  const labels = { app: "web", tier: "frontend" };

  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app", true],
    ["!app", false],
    ["app in (api, web)", true],
    ["app notin (api,web)", false],
    ["app=web,tier=backend", false],
    ["app=web,missing!=x", true],
    ["", true],
  ])("%s matches %j: %s", (selector, expected) => {
    expect(matchesSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it("rejects a malformed requirement", () => {
    expect(() => parseLabelSelector("app in web")).toThrow(SelectorError);
  });
});

describe("field selectors", () => {
  it("parses equality, inequality and escaped commas", () => {
    expect(parseFieldSelector("spec.nodeName=ip-10-0-1-5.ec2.internal,status.phase!=Succeeded")).toEqual([
      { field: "spec.nodeName", value: "ip-10-0-1-5.ec2.internal", negate: false },
      { field: "status.phase", value: "Succeeded", negate: true },
    ]);
    expect(parseFieldSelector("metadata.name=a\\,b")).toEqual([
      { field: "metadata.name", value: "a,b", negate: false },
    ]);
  });
});

describe("PDB percentages", () => {
  it("round up, as the disruption controller does", () => {
    expect(scaledValue("50%", 3)).toBe(2);
    expect(scaledValue("10%", 5)).toBe(1);
    expect(scaledValue("25%", 8)).toBe(2);
    expect(scaledValue(4, 100)).toBe(4);
    expect(() => scaledValue("half", 3)).toThrow(/invalid PodDisruptionBudget value "half"/);
  });
});

describe("patches", () => {
  const node = { metadata: { labels: { a: "1" } }, spec: { providerID: "aws:///us-east-1a/i-1" } };

  it("merges, with null deleting a key", () => {
    expect(
      applyPatch(node, MERGE_PATCH, { metadata: { labels: { a: null, b: "2" } }, spec: { unschedulable: true } }),
    ).toEqual({
      metadata: { labels: { b: "2" } },
      spec: { providerID: "aws:///us-east-1a/i-1", unschedulable: true },
    });
  });

  it("applies JSON Patch operations, including escaped label keys", () => {
    const patched = applyPatch(node, JSON_PATCH, [
      { op: "add", path: "/spec/unschedulable", value: true },
      { op: "add", path: "/metadata/labels/tugboat.io~1cordoned", value: "yes" },
      { op: "test", path: "/metadata/labels/a", value: "1" },
      { op: "remove", path: "/metadata/labels/a" },
    ]);
    expect(patched).toEqual({
      metadata: { labels: { "tugboat.io/cordoned": "yes" } },
      spec: { providerID: "aws:///us-east-1a/i-1", unschedulable: true },
    });
    expect(node.metadata.labels).toEqual({ a: "1" });
  });

  it("refuses a failed test, a replace of a missing path and an unknown media type", () => {
    expect(() => applyPatch(node, JSON_PATCH, [{ op: "test", path: "/metadata/labels/a", value: "2" }])).toThrow(
      PatchError,
    );
    expect(() => applyPatch(node, JSON_PATCH, [{ op: "replace", path: "/spec/unschedulable", value: true }])).toThrow(
      /does not exist/,
    );
    expect(() => applyPatch(node, "application/apply-patch+yaml", {})).toThrow(
      expect.objectContaining({ status: 415 }),
    );
  });
});
